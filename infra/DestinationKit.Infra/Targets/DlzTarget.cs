using System.Collections.Immutable;
using System.Text.Json;
using DestinationKit.Model.Aep;
using DestinationKit.Model.Spec;
using Pulumi;

namespace DestinationKit.Infra.Targets;

/// <summary><c>dlz</c>: the Data Landing Zone is Adobe's storage, so nothing is created; only what AEP and the app need.</summary>
internal static class DlzTarget
{
    public static TargetOutputs Deploy(DestinationSpec spec) =>
        new(Output.Create(AepConfigurationBuilder.Build(spec, DeploymentFacts.None).ToJson()))
        {
            IngestionSources = Output.CreateSecret(Sources(spec)),
        };

    private static string Sources(DestinationSpec spec) => JsonSerializer.Serialize(
        spec.Tenants.Where(t => t.DlzSasUri is not null)
            .ToImmutableSortedDictionary(t => t.Id, t => new { type = "dlz", sasUri = t.DlzSasUri!.Reveal() }, StringComparer.Ordinal));
}
