using System.Globalization;

namespace DestinationKit.Simulator.Pebble;

/// <summary>Pebble's operator semantics (io.pebbletemplates.pebble.utils.OperatorUtils, TypeUtils and the expression
/// classes), including their Java quirks: numbers compare as doubles, a string and a number concatenate with +, a
/// comparison with null is false, and conditions accept booleans, numbers and strings only.</summary>
internal static class Operators
{
    private enum Arithmetic
    {
        Add,
        Subtract,
        Multiply,
        Divide,
        Modulo,
    }

    public static bool IsNumber(object? value) => value is long or double;

    /// <summary>TypeUtils.compatibleCast(value, Boolean.class) as if/and/or/not/?: use it. Null is false.</summary>
    public static bool Truthy(object? value, string construct) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => !double.IsNaN(d) && d != 0,
        string s => s.Length > 0,
        _ => throw new PebbleRuntimeException(
            $"{construct} needs a boolean, a number or a string, not {Values.TypeName(value)}"),
    };

    public static object? Binary(BinaryOp op, object? left, object? right) => op switch
    {
        BinaryOp.Equal => AreEqual(left, right),
        BinaryOp.NotEqual => !AreEqual(left, right),
        BinaryOp.Greater => Compare(left, right, ">", (a, b) => a > b),
        BinaryOp.Less => Compare(left, right, "<", (a, b) => a < b),
        BinaryOp.GreaterOrEqual => Compare(left, right, ">=", (a, b) => a >= b),
        BinaryOp.LessOrEqual => Compare(left, right, "<=", (a, b) => a <= b),
        BinaryOp.Add => Add(left, right),
        BinaryOp.Subtract => left is List<object?> list ? Remove(list, right) : Calculate(left, right, Arithmetic.Subtract),
        BinaryOp.Multiply => Calculate(left, right, Arithmetic.Multiply),
        BinaryOp.Divide => Calculate(left, right, Arithmetic.Divide),
        BinaryOp.Modulo => Calculate(left, right, Arithmetic.Modulo),
        BinaryOp.Concat => Concat(left, right),
        BinaryOp.Contains => Contains(left, right),
        _ => throw new InvalidOperationException($"{op} is evaluated lazily by the renderer"),
    };

    public static object Negate(object? value) => Calculate(-1L, value, Arithmetic.Multiply);

    public static object Plus(object? value) => Calculate(1L, value, Arithmetic.Multiply);

    public static bool AreEqual(object? left, object? right) =>
        IsNumber(left) && IsNumber(right) ? ToDouble(left!) == ToDouble(right!) : JavaEquality.AreEqual(left, right);

    /// <summary><c>~</c>: nulls vanish, everything else prints with toString.</summary>
    private static string Concat(object? left, object? right) =>
        (left is null ? "" : Values.ToJavaString(left)) + (right is null ? "" : Values.ToJavaString(right));

    private static bool Compare(object? left, object? right, string symbol, Func<double, double, bool> test)
    {
        if (left is null || right is null)
        {
            return false;
        }

        if (!IsNumber(left) || !IsNumber(right))
        {
            throw new PebbleRuntimeException(
                $"'{symbol}' compares numbers only, not {Values.TypeName(left)} with {Values.TypeName(right)}");
        }

        return test(ToDouble(left), ToDouble(right));
    }

    private static object Add(object? left, object? right)
    {
        if (left is string or SafeString || right is string or SafeString)
        {
            return Values.StringValueOf(left) + Values.StringValueOf(right);
        }

        if (left is List<object?> list)
        {
            var result = new List<object?>(list);
            if (right is List<object?> more)
            {
                result.AddRange(more);
            }
            else
            {
                result.Add(right);
            }

            return result;
        }

        return Calculate(left, right, Arithmetic.Add);
    }

    private static List<object?> Remove(List<object?> list, object? right)
    {
        var result = new List<object?>(list);
        if (right is List<object?> others)
        {
            result.RemoveAll(item => others.Any(o => JavaEquality.AreEqual(item, o)));
        }
        else
        {
            var index = result.FindIndex(item => JavaEquality.AreEqual(item, right));
            if (index >= 0)
            {
                result.RemoveAt(index);
            }
        }

        return result;
    }

    private static bool Contains(object? left, object? right) => left switch
    {
        null => false,
        List<object?> list when right is List<object?> wanted =>
            wanted.All(w => list.Any(item => JavaEquality.AreEqual(item, w))),
        List<object?> list => list.Any(item => JavaEquality.AreEqual(item, right)),
        PebbleMap map => map.ContainsKey(right),
        string s => s.Contains(Values.StringValueOf(right), StringComparison.Ordinal),
        _ => throw new PebbleRuntimeException(
            $"'contains' works on lists, maps and strings, not on {Values.TypeName(left)}"),
    };

    private static object Calculate(object? left, object? right, Arithmetic op)
    {
        var a = ToNumber(left);
        var b = ToNumber(right);
        if (a is double || b is double)
        {
            var x = ToDouble(a);
            var y = ToDouble(b);
            return op switch
            {
                Arithmetic.Add => x + y,
                Arithmetic.Subtract => x - y,
                Arithmetic.Multiply => x * y,
                Arithmetic.Divide => x / y,
                _ => x % y,
            };
        }

        var l = (long)a;
        var m = (long)b;
        if (op is Arithmetic.Divide or Arithmetic.Modulo && m == 0)
        {
            throw new PebbleRuntimeException("integer division by zero");
        }

        // Java's long arithmetic wraps around; .NET's division throws on MinValue / -1.
        return op switch
        {
            Arithmetic.Add => unchecked(l + m),
            Arithmetic.Subtract => unchecked(l - m),
            Arithmetic.Multiply => unchecked(l * m),
            Arithmetic.Divide => m == -1 ? unchecked(-l) : l / m,
            _ => m == -1 ? 0L : l % m,
        };
    }

    /// <summary>OperatorUtils.toNumber: strings are parsed (with a '.', 'e' or 'E' as a double, else as a long).</summary>
    private static object ToNumber(object? value)
    {
        switch (value)
        {
            case long or double:
                return value;
            case string s:
                if (s.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
                    && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                {
                    return d;
                }

                if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }

                throw new PebbleRuntimeException($"arithmetic needs numbers: the string \"{s}\" is not a number");
            default:
                throw new PebbleRuntimeException($"arithmetic needs numbers, not {Values.TypeName(value)}");
        }
    }

    private static double ToDouble(object number) => number is long l ? l : (double)number;
}
