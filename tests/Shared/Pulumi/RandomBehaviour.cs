using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What the Random provider computes: a password's <c>result</c>, derived from the resource name (stable within
/// a test, distinct between resources) and honouring <c>length</c> and <c>special</c>.</summary>
public static class RandomBehaviour
{
    public static CloudBehaviour Instance { get; } = new(Resource, _ => null);

    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string WithSpecials = Alphanumerics + "!@#$%&*()-_=+[]{}<>:?";

    /// <summary>The <c>result</c> of a RandomPassword named <paramref name="resourceName"/>.</summary>
    public static string Password(string resourceName, int length, bool special)
    {
        var alphabet = special ? WithSpecials : Alphanumerics;
        var result = new StringBuilder(length);
        for (var block = 0; result.Length < length; block++)
        {
            foreach (var b in SHA256.HashData(Encoding.UTF8.GetBytes($"{resourceName}:{block}")))
            {
                if (result.Length == length) break;
                result.Append(alphabet[b % alphabet.Length]);
            }
        }
        return result.ToString();
    }

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        if (args.Type != "random:index/randomPassword:RandomPassword") return null;
        var length = Convert.ToInt32(args.Inputs["length"], System.Globalization.CultureInfo.InvariantCulture);
        var special = !args.Inputs.TryGetValue("special", out var s) || s is true;
        state["result"] = Password(args.Name ?? "", length, special);
        return "none";
    }
}
