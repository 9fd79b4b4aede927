using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using Pulumi.Testing;

namespace DestinationKit.PulumiTesting;

/// <summary>What the TLS provider computes for a <c>PrivateKey</c>: a real key of the requested algorithm (RSA,
/// <c>rsaBits</c>, default 2048) in the provider's PEM formats, so a test can use it as a deployment would.</summary>
public static class TlsBehaviour
{
    public static CloudBehaviour Instance { get; } = new(Resource, _ => null);

    /// <summary>Generating RSA keys (4096 bits above all) takes seconds, so a resource of the same name and size gets
    /// the same key in every test of a run; differently named resources still get different keys.</summary>
    private static readonly ConcurrentDictionary<(string Name, int Bits), byte[]> Keys = new();

    private static byte[] Generate((string Name, int Bits) key)
    {
        using var rsa = RSA.Create(key.Bits);
        return rsa.ExportPkcs8PrivateKey();
    }

    private static string? Resource(MockResourceArgs args, ImmutableDictionary<string, object>.Builder state)
    {
        if (args.Type != "tls:index/privateKey:PrivateKey") return null;
        var algorithm = (string)args.Inputs["algorithm"];
        if (algorithm != "RSA") throw new NotSupportedException($"TlsBehaviour makes RSA keys, not {algorithm}");
        var bits = args.Inputs.TryGetValue("rsaBits", out var b) ? Convert.ToInt32(b, System.Globalization.CultureInfo.InvariantCulture) : 2048;
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Keys.GetOrAdd((args.Name ?? "", bits), Generate), out _);
        state["rsaBits"] = bits;
        // The provider's PEMs end with a newline (Go's pem.Encode).
        state["privateKeyPem"] = rsa.ExportRSAPrivateKeyPem() + "\n";
        state["privateKeyPemPkcs8"] = rsa.ExportPkcs8PrivateKeyPem() + "\n";
        state["publicKeyPem"] = rsa.ExportSubjectPublicKeyInfoPem() + "\n";
        state["publicKeyOpenssh"] = OpenSshPublicKey(rsa.ExportParameters(false)) + "\n";
        return "mock-" + Convert.ToHexString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16].ToLowerInvariant();
    }

    /// <summary>The <c>authorized_keys</c> line of an RSA public key (RFC 4253 §6.6: the key type, e and n as mpints).</summary>
    private static string OpenSshPublicKey(RSAParameters key)
    {
        using var wire = new MemoryStream();
        void Write(ReadOnlySpan<byte> value)
        {
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            wire.Write(length);
            wire.Write(value);
        }
        // An mpint with its high bit set gets a leading zero byte, so it is not read as negative.
        byte[] Mpint(byte[] value) => value[0] >= 0x80 ? [0, .. value] : value;
        Write("ssh-rsa"u8);
        Write(Mpint(key.Exponent!));
        Write(Mpint(key.Modulus!));
        return "ssh-rsa " + Convert.ToBase64String(wire.ToArray());
    }
}
