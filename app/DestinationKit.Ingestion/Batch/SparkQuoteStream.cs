using System.Buffers;

namespace DestinationKit.Ingestion.Batch;

/// <summary>
/// Turns the quoting of Spark's CSV writer (which AEP's exports follow) into RFC 4180, which CsvHelper reads: inside a
/// quoted field Spark writes a quote as <c>escape</c> + quote (<c>\"</c>) and escapes an escape character that precedes
/// a quote or another escape character (<c>\\</c>). This stream rewrites <c>\"</c> to <c>""</c> and <c>\\</c> to
/// <c>\</c> inside quoted fields and passes every other byte through, so RFC 4180 input (<c>""</c>) reads the same.
/// A quote opens a quoted field only at the start of a field (after the separator, a line break or at the start of the
/// input), as in Spark's reader. The output is never longer than the input, so the rewrite happens in place, in the
/// caller's buffer.
/// </summary>
public sealed class SparkQuoteStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly byte _quote;
    private readonly byte _escape;
    private readonly byte[] _separator;
    private readonly SearchValues<byte> _outside;
    private readonly SearchValues<byte> _inside;
    private readonly byte[] _carry = new byte[32];
    private int _carryLength;
    private bool _inQuotes;
    private bool _fieldStart = true;
    private bool _eof;

    public SparkQuoteStream(Stream inner, byte quote, byte escape, byte[] separator)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(quote, escape);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(separator.Length, 16);
        _inner = inner;
        _quote = quote;
        _escape = escape;
        _separator = separator;
        _outside = SearchValues.Create([quote, separator[0], (byte)'\r', (byte)'\n']);
        _inside = SearchValues.Create([quote, escape]);
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length < _separator.Length + 2)
        {
            throw new ArgumentException("The buffer is too small.", nameof(buffer));
        }
        while (true)
        {
            var n = _carryLength;
            _carry.AsSpan(0, n).CopyTo(buffer);
            _carryLength = 0;
            if (!_eof)
            {
                var read = _inner.Read(buffer[n..]);
                _eof = read == 0;
                n += read;
            }
            if (n == 0)
            {
                return 0;
            }
            var written = Transform(buffer[..n]);
            if (written > 0 || _eof)
            {
                return written;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length < _separator.Length + 2)
        {
            throw new ArgumentException("The buffer is too small.", nameof(buffer));
        }
        while (true)
        {
            var n = _carryLength;
            _carry.AsSpan(0, n).CopyTo(buffer.Span);
            _carryLength = 0;
            if (!_eof)
            {
                var read = await _inner.ReadAsync(buffer[n..], cancellationToken).ConfigureAwait(false);
                _eof = read == 0;
                n += read;
            }
            if (n == 0)
            {
                return 0;
            }
            var written = Transform(buffer.Span[..n]);
            if (written > 0 || _eof)
            {
                return written;
            }
        }
    }

    /// <summary>Rewrites <paramref name="data"/> in place; keeps an incomplete tail (an escape or part of a separator) for the next read.</summary>
    private int Transform(Span<byte> data)
    {
        var r = 0;
        var w = 0;
        while (r < data.Length)
        {
            if (!_inQuotes)
            {
                var k = data[r..].IndexOfAny(_outside);
                if (k < 0)
                {
                    if (r < data.Length)
                    {
                        _fieldStart = false;
                    }
                    Move(data, ref r, ref w, data.Length - r);
                    break;
                }
                if (k > 0)
                {
                    _fieldStart = false;
                    Move(data, ref r, ref w, k);
                }
                var b = data[r];
                if (b == '\r' || b == '\n')
                {
                    _fieldStart = true;
                    Move(data, ref r, ref w, 1);
                }
                else if (b == _quote && _fieldStart)
                {
                    _inQuotes = true;
                    _fieldStart = false;
                    Move(data, ref r, ref w, 1);
                }
                else if (b == _separator[0])
                {
                    if (_separator.Length == 1)
                    {
                        _fieldStart = true;
                        Move(data, ref r, ref w, 1);
                    }
                    else if (data.Length - r < _separator.Length && !_eof)
                    {
                        return Keep(data, r, w);
                    }
                    else if (data[r..].StartsWith(_separator))
                    {
                        _fieldStart = true;
                        Move(data, ref r, ref w, _separator.Length);
                    }
                    else
                    {
                        _fieldStart = false;
                        Move(data, ref r, ref w, 1);
                    }
                }
                else
                {
                    _fieldStart = false;
                    Move(data, ref r, ref w, 1);
                }
            }
            else
            {
                var k = data[r..].IndexOfAny(_inside);
                if (k < 0)
                {
                    Move(data, ref r, ref w, data.Length - r);
                    break;
                }
                Move(data, ref r, ref w, k);
                if (data[r] == _quote)
                {
                    _inQuotes = false;
                    Move(data, ref r, ref w, 1);
                    continue;
                }
                // An escape character: look at the byte after it.
                if (r + 1 == data.Length)
                {
                    if (!_eof)
                    {
                        return Keep(data, r, w);
                    }
                    Move(data, ref r, ref w, 1);
                    break;
                }
                var next = data[r + 1];
                if (next == _quote)
                {
                    data[w++] = _quote;
                    data[w++] = _quote;
                    r += 2;
                }
                else if (next == _escape)
                {
                    data[w++] = _escape;
                    r += 2;
                }
                else
                {
                    Move(data, ref r, ref w, 1);
                }
            }
        }
        return w;
    }

    private int Keep(Span<byte> data, int r, int w)
    {
        var tail = data[r..];
        tail.CopyTo(_carry);
        _carryLength = tail.Length;
        return w;
    }

    private static void Move(Span<byte> data, ref int r, ref int w, int count)
    {
        if (r != w)
        {
            data.Slice(r, count).CopyTo(data[w..]);
        }
        r += count;
        w += count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
