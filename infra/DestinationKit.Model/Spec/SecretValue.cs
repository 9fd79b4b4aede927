namespace DestinationKit.Model.Spec;

/// <summary>A value read from a secret config key. Its text is reachable only through <see cref="Reveal"/>,
/// so it cannot leak through ToString, string interpolation, records' printing or exception messages.</summary>
public sealed class SecretValue(string value)
{
    public string Reveal() => value;

    public override string ToString() => "[secret]";

    public override bool Equals(object? obj) => obj is SecretValue other && other.Reveal() == value;

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);
}
