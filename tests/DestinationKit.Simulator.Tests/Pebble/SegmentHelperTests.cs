namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Adobe's additions: the added/removed filters and the addedSegments/removedSegments/hasSegments functions.</summary>
public class SegmentHelperTests
{
    private const string Profile = """
        {"profile": {"segmentMembership": {
            "ups": {
                "aud-1": {"lastQualificationTime": "2024-03-02T10:15:00Z", "status": "realized"},
                "aud-2": {"lastQualificationTime": "2024-03-01T08:00:00Z", "status": "exited"},
                "aud-3": {"lastQualificationTime": "2023-12-24T00:00:00Z", "status": "existing"},
                "aud-4": {"lastQualificationTime": "2024-01-01T00:00:00Z", "status": "exited"},
                "aud-5": {"lastQualificationTime": "2024-01-02T00:00:00Z", "status": "realized"}
            },
            "CustomerAudienceUpload": {}
        }}}
        """;

    [Theory]
    [InlineData("{% for s in profile.segmentMembership.ups | added %}{{ s.key }} {% endfor %}", "aud-1 aud-3 aud-5 ")]
    [InlineData("{% for s in addedSegments(profile.segmentMembership.ups) %}{{ s.key }} {% endfor %}", "aud-1 aud-3 aud-5 ")]
    [InlineData("{% for s in profile.segmentMembership.ups | removed %}{{ s.key }} {% endfor %}", "aud-2 aud-4 ")]
    [InlineData("{% for s in removedSegments(profile.segmentMembership.ups) %}{{ s.key }} {% endfor %}", "aud-2 aud-4 ")]
    [InlineData("{% for s in profile.segmentMembership.ups | added %}{{ s.value.status }}@{{ s.value.lastQualificationTime }} {% endfor %}",
        "realized@2024-03-02T10:15:00Z existing@2023-12-24T00:00:00Z realized@2024-01-02T00:00:00Z ")]
    [InlineData("{{ profile.segmentMembership.ups | added | length }}/{{ removedSegments(profile.segmentMembership.ups) | length }}", "3/2")]
    public void AddedAndRemovedKeepMembershipsByStatusInOrder(string template, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render(template, Profile));
    }

    [Theory]
    [InlineData("{{ hasSegments(profile.segmentMembership.ups) }}", "true")]
    [InlineData("{{ hasSegments(profile.segmentMembership.CustomerAudienceUpload) }}", "false")]
    [InlineData("{{ hasSegments(profile.segmentMembership.missing) }}", "false")]
    [InlineData("{% if hasSegments(profile.segmentMembership.ups) %}yes{% endif %}", "yes")]
    [InlineData("[{% for s in profile.segmentMembership.CustomerAudienceUpload | removed %}x{% else %}none{% endfor %}]", "[none]")]
    public void HasSegmentsAndEmptyNamespaces(string template, string expected)
    {
        Assert.Equal(expected, TemplateKit.Render(template, Profile));
    }

    [Fact]
    public void TheHelpersNeedAMembershipMap()
    {
        var error = TemplateKit.RenderError("{{ addedSegments(profile.segmentMembership.ups[\"aud-1\"].status) }}", Profile);

        Assert.StartsWith("addedSegments: needs a map of audience memberships", error.Reason);
    }

    [Fact]
    public void TheHelpersTakeExactlyOneArgument()
    {
        var error = TemplateKit.ParseError("{{ hasSegments(a, b) }}");

        Assert.StartsWith("function 'hasSegments' takes exactly 1 argument", error.Reason);
    }
}
