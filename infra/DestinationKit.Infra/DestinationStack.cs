using System.Collections.Immutable;
using System.Text.Json;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra;

/// <summary>The program, as a library type: the CLI runs it through Program.cs, the Automation API inline with the
/// configuration it already holds. It reads the configuration once, validates it as a whole before creating
/// anything, picks the target's component and exports the Destination SDK configuration.</summary>
public sealed class DestinationStack : Stack
{
    public DestinationStack() : this(StackConfigurationReader.Read())
    {
    }

    public DestinationStack(StackConfiguration configuration)
    {
        var spec = ParseOrFail(configuration);
        Target = Output.Create(DestinationSpecParser.TargetName(spec.Target));
        switch (spec.Target)
        {
            case DestinationTarget.Dlz:
                // The Data Landing Zone is Adobe's storage: nothing to create, only what AEP and the app need.
                AepConfiguration = Output.Create(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson());
                IngestionSources = Output.CreateSecret(DlzSources(spec));
                break;
            default:
                throw new RunException(
                    $"destination:target: \"{DestinationSpecParser.TargetName(spec.Target)}\" is not yet supported by this version of the template; "
                    + "supported now: dlz. Its component is on the roadmap (see README.md).");
        }
    }

    /// <summary>The Destination SDK objects to submit to Adobe (docs/aep-configuration.md).</summary>
    [Output("aepConfiguration")]
    public Output<string> AepConfiguration { get; private set; }

    [Output("target")]
    public Output<string> Target { get; private set; }

    /// <summary>What the ingestion app reads exports from, per tenant. Secret: DLZ entries hold SAS URIs.</summary>
    [Output("ingestionSources")]
    public Output<string> IngestionSources { get; private set; }

    private static DestinationSpec ParseOrFail(StackConfiguration configuration)
    {
        try
        {
            return DestinationSpecParser.Parse(configuration);
        }
        catch (InvalidDestinationConfigException e)
        {
            // RunException makes Pulumi print the message alone, without a stack trace.
            throw new RunException(e.Message);
        }
    }

    private static string DlzSources(DestinationSpec spec) => JsonSerializer.Serialize(
        spec.Tenants.Where(t => t.DlzSasUri is not null)
            .ToImmutableSortedDictionary(t => t.Id, t => new { type = "dlz", sasUri = t.DlzSasUri!.Reveal() }, StringComparer.Ordinal));
}
