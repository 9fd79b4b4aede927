using System.Security.Cryptography;
using System.Text;

namespace DestinationKit.Model.Naming;

/// <summary>A short, stable hash for resource names: the same input always gives the same name (no random
/// suffixes that change between runs), different stacks give different names.</summary>
public static class StableHash
{
    // RFC 4648 base32 in lowercase: letters and digits only, valid in every cloud's names.
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Of(string input, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 51);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        var result = new StringBuilder(length);
        int buffer = 0, bits = 0, index = 0;
        while (result.Length < length)
        {
            if (bits < 5)
            {
                buffer = (buffer << 8) | digest[index++];
                bits += 8;
            }
            result.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
        return result.ToString();
    }
}
