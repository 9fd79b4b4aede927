using System.Collections.Immutable;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Naming;
using DestinationKit.Model.Spec;

namespace DestinationKit.Azure;

/// <summary>What the three Azure landing zones share, as plain values decided from the spec: the resource group
/// and location everything is created in, how long exported files are kept, the accounts' encryption and the tags.</summary>
public sealed record AzureLandingSettings
{
    /// <summary>The resource group the stack creates (<see cref="ResourceNames.ResourceGroup"/>).</summary>
    public required string ResourceGroupName { get; init; }

    /// <summary>The Azure location of the resource group and the storage accounts, e.g. <c>westeurope</c>.</summary>
    public required string Location { get; init; }

    /// <summary>Days after their last modification that files are deleted by the accounts' lifecycle policy.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Azure Storage's second, infrastructure-level layer of encryption (fixed when an account is created).</summary>
    public required bool InfrastructureEncryption { get; init; }

    /// <summary>Tags for every resource that takes tags.</summary>
    public required ImmutableSortedDictionary<string, string> Tags { get; init; }

    /// <summary>The settings of a spec for <paramref name="target"/> (the parser refuses customer-managed keys on Azure).</summary>
    public static AzureLandingSettings FromSpec(DestinationSpec spec, DestinationTarget target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = DestinationSpecParser.TargetName(target);
        if (spec.Target != target || spec.Cloud != CloudProvider.Azure)
            throw new ArgumentException($"this landing zone is built for target {name} on azure, not {DestinationSpecParser.TargetName(spec.Target)} on {spec.Cloud}", nameof(spec));
        return new AzureLandingSettings
        {
            ResourceGroupName = new ResourceNames(spec).ResourceGroup,
            Location = spec.Region ?? throw new ArgumentException("an Azure landing zone needs a region", nameof(spec)),
            RetentionDays = spec.RetentionDays,
            InfrastructureEncryption = spec.Encryption.InfrastructureEncryption,
            Tags = ResourceTags.For(spec),
        };
    }
}
