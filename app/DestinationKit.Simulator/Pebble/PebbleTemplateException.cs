namespace DestinationKit.Simulator.Pebble;

/// <summary>A template that does not parse, uses a construct AEP's Destination SDK does not allow, or fails while
/// rendering. <see cref="Line"/> and <see cref="Column"/> (both 1-based) point at the construct in the template.</summary>
public sealed class PebbleTemplateException : Exception
{
    internal PebbleTemplateException(string reason, int line, int column)
        : base($"{reason} (line {line}, column {column})")
    {
        Reason = reason;
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The message without the position suffix.</summary>
    public string Reason { get; }
}

/// <summary>A failure inside an operator, filter or test, before the evaluator knows where in the template it is:
/// the evaluator turns it into a <see cref="PebbleTemplateException"/> at the innermost expression.</summary>
internal sealed class PebbleRuntimeException(string message) : Exception(message);
