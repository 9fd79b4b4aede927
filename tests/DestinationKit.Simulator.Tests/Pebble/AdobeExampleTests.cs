using System.Text.Json;
using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Tests.Pebble;

/// <summary>Templates from the AEP brief (/work/shared/AEP.md §1.3) and Adobe's Destination SDK documentation,
/// rendered over sample profiles in AEP's input shape (§1.2).</summary>
public class AdobeExampleTests
{
    // AEP.md §1.3, "Template sketch", copied verbatim.
    private const string SketchTemplate = """
        {"schemaVersion":1,"profiles":[
        {%- for p in input.profiles -%}
         {"identities":[
          {%- for e in p.identityMap -%}{%- set ns = e.key -%}
           {%- for i in e.value -%}{"ns":"{{ ns }}","id":"{{ i.id }}"}{%- if not loop.last -%},{%- endif -%}{%- endfor -%}
           {%- if not loop.last -%},{%- endif -%}
          {%- endfor -%}],
          "add":[{%- for s in p.segmentMembership.ups | added -%}"{{ destination.namespaceSegmentAliases["ups"][s.key] }}"{%- if not loop.last -%},{%- endif -%}{%- endfor -%}],
          "remove":[{%- for s in removedSegments(p.segmentMembership.ups) -%}"{{ destination.namespaceSegmentAliases["ups"][s.key] }}"{%- if not loop.last -%},{%- endif -%}{%- endfor -%}],
          "attributes":{ {%- for a in p.attributes -%}"{{ a.key }}":{% if a.value is empty %}null{% else %}"{{ a.value.value }}"{% endif %}{%- if not loop.last -%},{%- endif -%}{%- endfor -%} }
         }{%- if not loop.last -%},{%- endif -%}
        {%- endfor -%}]}
        """;

    private const string SampleInput = """
        {
          "input": {"profiles": [
            {
              "segmentMembership": {"ups": {
                "9b6f-audience-guid": {"lastQualificationTime": "2024-03-02T10:15:00Z", "status": "realized"},
                "1c2d-audience-guid": {"lastQualificationTime": "2024-03-01T08:00:00Z", "status": "exited"},
                "77aa-audience-guid": {"lastQualificationTime": "2023-11-11T11:11:11Z", "status": "existing"}
              }},
              "identityMap": {
                "email_lc_sha256": [{"id": "3f1a9c"}],
                "acme_id": [{"id": "C-000123"}, {"id": "C-000987"}]
              },
              "attributes": {"firstName": {"value": "Ada"}, "birthDate": {}}
            },
            {
              "segmentMembership": {"ups": {
                "1c2d-audience-guid": {"lastQualificationTime": "2024-03-05T09:00:00Z", "status": "realized"}
              }},
              "identityMap": {"acme_id": [{"id": "C-000555"}]},
              "attributes": {"firstName": {"value": "Grace"}, "birthDate": {"value": "1906-12-09"}}
            }
          ]},
          "destination": {"namespaceSegmentAliases": {"ups": {
            "9b6f-audience-guid": "acme-aud-771",
            "1c2d-audience-guid": "acme-aud-115",
            "77aa-audience-guid": "acme-aud-902"
          }}}
        }
        """;

    [Fact]
    public void TheBriefsSketchTemplateRendersValidJson()
    {
        var output = TemplateKit.Render(SketchTemplate, SampleInput);

        var expected = JsonNode.Parse("""
            {"schemaVersion":1,"profiles":[
              {"identities":[{"ns":"email_lc_sha256","id":"3f1a9c"},{"ns":"acme_id","id":"C-000123"},{"ns":"acme_id","id":"C-000987"}],
               "add":["acme-aud-771","acme-aud-902"],
               "remove":["acme-aud-115"],
               "attributes":{"firstName":"Ada","birthDate":null}},
              {"identities":[{"ns":"acme_id","id":"C-000555"}],
               "add":["acme-aud-115"],
               "remove":[],
               "attributes":{"firstName":"Grace","birthDate":"1906-12-09"}}
            ]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(output)), output);
    }

    [Fact]
    public void AdobesSegmentsIdentitiesAndAttributesExampleGivesTheDocumentedResult()
    {
        // message-format.md, "Create a template that sends segments, identities, and profile attributes".
        const string template = """
            {
                "profiles": [
                    {% for profile in input.profiles %}
                    {
                        "attributes": {
                        {% for attribute in profile.attributes %}
                            "{{ attribute.key }}":
                                {% if attribute.value is empty %}
                                    null
                                {% else %}
                                    "{{ attribute.value.value }}"
                                {% endif %}
                            {% if not loop.last %},{% endif %}
                        {% endfor %}
                        },
                        "identities": [
                            {% for email in profile.identityMap.email %}
                            {
                                "type": "email",
                                "id": "{{ email.id }}"
                            }{% if not loop.last %},{% endif %}
                            {% endfor %}

                            {# Add a comma only if we have both emails and external_ids. #}
                            {% if profile.identityMap.email is not empty and profile.identityMap.external_id is not empty %}
                                ,
                            {% endif %}

                            {% for external in profile.identityMap.external_id %}
                            {
                                "type": "external_id",
                                "id": "{{ external.id }}"
                            }{% if not loop.last %},{% endif %}
                            {% endfor %}
                        ],
                        "AdobeExperiencePlatformSegments": {
                            "add": [
                            {% for segment in profile.segmentMembership.ups | added %}
                                "{{ segment.key }}"{% if not loop.last %},{% endif %}
                            {% endfor %}
                            ],
                            "remove": [
                            {# Alternative syntax for filtering audiences by status: #}
                            {% for segment in removedSegments(profile.segmentMembership.ups) %}
                                "{{ segment.key }}"{% if not loop.last %},{% endif %}
                            {% endfor %}
                            ]
                        }
                    }{% if not loop.last %},{% endif %}
                    {% endfor %}
                ]
            }
            """;
        const string input = """
            {"input": {"profiles": [
              {"attributes": {"firstName": {"value": "Hermione"}, "birthDate": {}},
               "identityMap": {"email": [{"id": "johndoe@example.com"}, {"id": "jd@example.com"}], "external_id": [{"id": "123456"}]},
               "segmentMembership": {"ups": {
                 "36a51c13-9dd6-4d2c-8aa3-07d785ea5075": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "realized"},
                 "788d8874-8007-4253-92b7-ee6b6c20c6f3": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "realized"},
                 "8f812592-3f06-416b-bd50-e7831848a31a": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "exited"}}}},
              {"attributes": {"firstName": {"value": "Harry"}, "birthDate": {"value": "1980/07/31"}},
               "identityMap": {"email": [{"id": "harry.p@example.com"}]},
               "segmentMembership": {"ups": {
                 "36a51c13-9dd6-4d2c-8aa3-07d785ea5075": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "realized"}}}}
            ]}}
            """;

        var output = TemplateKit.Render(template, input);

        var expected = JsonNode.Parse("""
            {"profiles": [
              {"attributes": {"firstName": "Hermione", "birthDate": null},
               "identities": [{"type": "email", "id": "johndoe@example.com"}, {"type": "email", "id": "jd@example.com"},
                              {"type": "external_id", "id": "123456"}],
               "AdobeExperiencePlatformSegments": {
                 "add": ["36a51c13-9dd6-4d2c-8aa3-07d785ea5075", "788d8874-8007-4253-92b7-ee6b6c20c6f3"],
                 "remove": ["8f812592-3f06-416b-bd50-e7831848a31a"]}},
              {"attributes": {"firstName": "Harry", "birthDate": "1980/07/31"},
               "identities": [{"type": "email", "id": "harry.p@example.com"}],
               "AdobeExperiencePlatformSegments": {"add": ["36a51c13-9dd6-4d2c-8aa3-07d785ea5075"], "remove": []}}
            ]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(output)), output);
    }

    [Fact]
    public void AdobesAddedAndRemovedSegmentsExample()
    {
        // supported-functions.md, "addedSegments and removedSegments functions".
        const string template = "added: {% for s in addedSegments(segmentMembership.ups) %}<{{s.key}}>{% endfor %}; "
            + "removed: {% for s in removedSegments(segmentMembership.ups) %}<{{s.key}}>{% endfor %}";
        const string input = """
            {"identityMap": {"myIdNamespace": [{"id": "external_id1"}, {"id": "external_id2"}]},
             "segmentMembership": {"ups": {
               "111111": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "realized"},
               "222222": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "exited"},
               "333333": {"lastQualificationTime": "2019-11-20T13:15:49Z", "status": "realized"}}}}
            """;

        Assert.Equal("added: <111111><333333>; removed: <222222>", TemplateKit.Render(template, input));
    }

    [Fact]
    public void AdobesDebugTemplatePrintsEachProfileAsJson()
    {
        // render-template API docs: the simplest template to see what a profile looks like.
        var output = TemplateKit.Render("{% for profile in input.profiles %}{{profile|raw}}{% endfor %}", """
            {"input": {"profiles": [{"identityMap": {"acme_id": [{"id": "C-1"}]}, "attributes": {"n": {"value": 1.5}}}]}}
            """);

        using var document = JsonDocument.Parse(output);
        Assert.Equal("C-1", document.RootElement.GetProperty("identityMap").GetProperty("acme_id")[0].GetProperty("id").GetString());
        Assert.Equal(1.5, document.RootElement.GetProperty("attributes").GetProperty("n").GetProperty("value").GetDouble());
    }
}
