using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Aep;

/// <summary>The Pebble request template of the streaming destination server: renders AEP's profiles into the
/// ingestion app's contract (docs/contract/profiles-v1.md). Only the tags AEP allows (for, if, set) and standard
/// Pebble filters; every printed value goes through <c>escape(strategy="json")</c> so quotes, backslashes and
/// control characters cannot break the JSON. Each level is a JSON object, so an empty inner loop never leaves a
/// dangling separator.</summary>
public static class StreamingTemplate
{
    private const string Json = "| escape(strategy=\"json\")";

    public static string For(DestinationSpec spec)
    {
        var aggregation = spec.Streaming?.Aggregation ?? throw new ArgumentException("not a streaming destination", nameof(spec));
        var audienceId = spec.Aep.AudienceMapping == AudienceMapping.AepId
            ? "s.key"
            // AEP sends the alias our audience API (or the customer) gave; the AEP id stands in if there is none yet.
            : "destination.namespaceSegmentAliases[ns.key][s.key] | default(s.key)";
        var profile = Profile(audienceId);

        // AEP passes a single `input.profile` only under best effort with one user a request (shared/AEP.md §1.2).
        return aggregation is { Type: AggregationType.BestEffort, MaxUsersPerRequest: 1 }
            ? "{\"schemaVersion\":1,\"profiles\":[\n{%- set p = input.profile -%}\n" + profile + "\n]}"
            : "{\"schemaVersion\":1,\"profiles\":[\n{%- for p in input.profiles -%}\n" + profile
              + "{% if not loop.last %},{% endif %}\n{%- endfor -%}\n]}";
    }

    private static string Profile(string audienceId) => $$$"""
        {"identities":{
          {%- for ns in p.identityMap -%}
          "{{ ns.key {{{Json}}} }}":[
            {%- for identity in ns.value -%}
            "{{ identity.id {{{Json}}} }}"{% if not loop.last %},{% endif %}
            {%- endfor -%}
          ]{% if not loop.last %},{% endif %}
          {%- endfor -%}
        },"audiences":{
          {%- for ns in p.segmentMembership -%}
          "{{ ns.key {{{Json}}} }}":{
            {%- for s in ns.value -%}
            "{{ {{{audienceId}}} {{{Json}}} }}":{"status":"{{ s.value.status {{{Json}}} }}"
              {%- if s.value.lastQualificationTime is not null -%},"qualifiedAt":"{{ s.value.lastQualificationTime {{{Json}}} }}"{%- endif -%}
            }{% if not loop.last %},{% endif %}
            {%- endfor -%}
          }{% if not loop.last %},{% endif %}
          {%- endfor -%}
        },"attributes":{
          {%- for a in p.attributes -%}
          "{{ a.key {{{Json}}} }}":
          {%- if a.value.value is not null -%}"{{ a.value.value {{{Json}}} }}"
          {%- elseif a.value is map or a.value is null -%}null
          {%- else -%}"{{ a.value {{{Json}}} }}"
          {%- endif -%}
          {% if not loop.last %},{% endif %}
          {%- endfor -%}
        }}
        """;
}
