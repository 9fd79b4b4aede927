using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace DestinationKit.Automation.Ephemeral;

/// <summary>Names of throw-away stacks: <c>&lt;prefix&gt;-&lt;UTC creation time&gt;-&lt;6 random characters&gt;</c>, e.g.
/// <c>ci-20261129t093000z-k3x9q2</c>. Unique per run, and the creation time in the name lets the sweeper judge
/// a stack's age even when it never finished an update.</summary>
public static partial class EphemeralStackNames
{
    public const string DefaultPrefix = "ci";
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string Create(string prefix, DateTimeOffset now)
    {
        ValidatePrefix(prefix);
        var suffix = string.Concat(Enumerable.Range(0, 6).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
        return $"{prefix}-{now.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture).ToLowerInvariant()}-{suffix}";
    }

    /// <summary>Whether <paramref name="name"/> is a throw-away stack name with this prefix, and when it was created.</summary>
    public static bool TryParse(string prefix, string name, out DateTimeOffset created)
    {
        created = default;
        var match = NamePattern().Match(name);
        if (!match.Success || match.Groups["prefix"].Value != prefix) return false;
        return DateTimeOffset.TryParseExact(match.Groups["time"].Value.ToUpperInvariant(), TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out created);
    }

    public static void ValidatePrefix(string prefix)
    {
        if (!PrefixPattern().IsMatch(prefix))
            throw new ArgumentException($"a throw-away stack prefix is 1–20 lowercase letters, digits and hyphens, starting with a letter; got \"{prefix}\"", nameof(prefix));
    }

    [GeneratedRegex("^(?<prefix>[a-z][a-z0-9-]{0,19})-(?<time>[0-9]{8}t[0-9]{6}z)-[a-z0-9]{6}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,19}$")]
    private static partial Regex PrefixPattern();
}
