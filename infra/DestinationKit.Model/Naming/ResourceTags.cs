using System.Collections.Immutable;
using System.Text;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;

namespace DestinationKit.Model.Naming;

/// <summary>The tags (labels on Google Cloud) every resource of a destination carries: the user's
/// <c>destination:tags</c> plus the reserved ones the stack sets itself, with values the spec's cloud accepts.</summary>
public static class ResourceTags
{
    public const string ManagedByKey = "managed-by";
    public const string DestinationPrefixKey = "destination-prefix";
    public const string StackKey = "stack";
    public const string ManagedByValue = "destinationkit";

    /// <summary>The keys the stack sets itself, the same list the parser reserves.</summary>
    public static IReadOnlyList<string> ReservedKeys => DestinationSpecParser.ReservedTags;

    private const int GcpLabelMaxLength = 63;

    /// <summary>User tags (validated by the parser for the spec's cloud) and the reserved tags. On Google Cloud the
    /// stack name is made a valid label value (<see cref="GcpLabelValue"/>); the other values are valid already:
    /// the prefix is lowercase letters and digits, and Pulumi stack names are letters, digits, <c>-</c>, <c>_</c>
    /// and <c>.</c>, which AWS and Azure tag values allow.</summary>
    public static ImmutableSortedDictionary<string, string> For(DestinationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var stack = spec.Cloud == CloudProvider.Gcp ? GcpLabelValue(spec.Stack) : spec.Stack;
        var tags = spec.Tags.ToBuilder();
        tags[ManagedByKey] = ManagedByValue;
        tags[DestinationPrefixKey] = spec.NamePrefix;
        tags[StackKey] = stack;
        return tags.ToImmutable();
    }

    /// <summary>A Google Cloud label value (<c>^[a-z0-9_-]{0,63}$</c>) standing for <paramref name="value"/>:
    /// lowercased, every other character replaced by <c>-</c>, cut to 63 characters.</summary>
    public static string GcpLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var result = new StringBuilder(Math.Min(value.Length, GcpLabelMaxLength));
        foreach (var c in value.ToLowerInvariant())
        {
            if (result.Length == GcpLabelMaxLength) break;
            result.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' ? c : '-');
        }
        return result.ToString();
    }
}
