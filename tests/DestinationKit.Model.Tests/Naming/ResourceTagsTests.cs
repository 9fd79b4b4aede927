using System.Text.RegularExpressions;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Tests.Naming;

public partial class ResourceTagsTests
{
    private static DestinationSpec Spec(string target, string region, string stack, string? tags = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["destination:mode"] = "batch",
            ["destination:target"] = target,
            ["destination:region"] = region,
            ["destination:tenants"] = """["acme"]""",
            ["destination:destinationName"] = "Acme Audiences",
            ["destination:namePrefix"] = "acme",
        };
        if (tags is not null) values["destination:tags"] = tags;
        return DestinationSpecParser.Parse(StackConfiguration.From("destinationkit", stack, values));
    }

    [Fact]
    public void The_user_tags_are_kept_and_the_reserved_ones_added()
    {
        var tags = ResourceTags.For(Spec("gcp-gcs", "europe-west1", "dev", """{"team": "data-platform", "cost-center": "cc-1234"}"""));

        Assert.Equal(new Dictionary<string, string>
        {
            ["cost-center"] = "cc-1234",
            ["destination-prefix"] = "acme",
            ["managed-by"] = "destinationkit",
            ["stack"] = "dev",
            ["team"] = "data-platform",
        }, tags);
    }

    [Fact]
    public void The_reserved_keys_are_the_ones_the_parser_refuses_from_users()
    {
        Assert.Equal(DestinationSpecParser.ReservedTags, ResourceTags.ReservedKeys);
        Assert.Equal(ResourceTags.ReservedKeys.Order(StringComparer.Ordinal),
            new[] { ResourceTags.ManagedByKey, ResourceTags.DestinationPrefixKey, ResourceTags.StackKey }.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("dev", "dev")]
    [InlineData("Prod.EU", "prod-eu")]
    [InlineData("team_a-stage", "team_a-stage")]
    [InlineData("org/project/stack", "org-project-stack")]
    [InlineData("Ünïcode", "-n-code")]
    public void Google_labels_get_a_valid_stack_value(string stack, string expected)
    {
        var tags = ResourceTags.For(Spec("gcp-gcs", "europe-west1", stack));

        Assert.Equal(expected, tags[ResourceTags.StackKey]);
        Assert.All(tags, tag =>
        {
            Assert.Matches(GcpLabelKey(), tag.Key);
            Assert.Matches(GcpLabelValue(), tag.Value);
        });
    }

    [Fact]
    public void Google_label_values_are_cut_to_63_characters()
    {
        var value = ResourceTags.GcpLabelValue(new string('A', 80));

        Assert.Equal(new string('a', 63), value);
        Assert.Equal("", ResourceTags.GcpLabelValue(""));
    }

    [Fact]
    public void Other_clouds_keep_the_stack_name_as_it_is()
    {
        Assert.Equal("Prod.EU", ResourceTags.For(Spec("aws-s3", "eu-west-1", "Prod.EU"))[ResourceTags.StackKey]);
        Assert.Equal("Prod.EU", ResourceTags.For(Spec("azure-blob", "westeurope", "Prod.EU"))[ResourceTags.StackKey]);
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex GcpLabelKey();

    [GeneratedRegex("^[a-z0-9_-]{0,63}$")]
    private static partial Regex GcpLabelValue();
}
