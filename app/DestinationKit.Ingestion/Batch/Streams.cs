namespace DestinationKit.Ingestion.Batch;

/// <summary>Counts the bytes read through it (the compressed bytes, for progress and error offsets).</summary>
internal sealed class CountingStream(Stream inner) : ReadOnlyStream
{
    public Stream Inner => inner;

    private readonly byte[] _tail = new byte[8];

    /// <summary>The last (up to) 8 bytes read: a gzip member's trailer (CRC32 and ISIZE) once the input has ended.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(8 - (int)Math.Min(8, BytesRead));

    private void Track(ReadOnlySpan<byte> read)
    {
        if (read.Length >= 8)
        {
            read[^8..].CopyTo(_tail);
        }
        else if (read.Length > 0)
        {
            _tail.AsSpan(read.Length).CopyTo(_tail);
            read.CopyTo(_tail.AsSpan(8 - read.Length));
        }
    }

    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Track(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Track(buffer.Span[..n]);
        BytesRead += n;
        return n;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Replays a few bytes already read (a sniffed magic number) before the rest of a stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream rest) : ReadOnlyStream
{
    public Stream Rest => rest;

    private int _position;

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        return rest.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _position < prefixLength ? ValueTask.FromResult(Read(buffer.Span)) : rest.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await rest.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>
/// Reads its source ahead on another thread, a few buffers deep, so that reading and decompressing overlap with
/// parsing (two cores do both at once). Memory is bounded: <c>depth</c> buffers of <c>bufferSize</c> bytes.
/// An error of the source surfaces at the read that reaches it.
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    private readonly Stream _source;
    private readonly System.Threading.Channels.Channel<(byte[] Buffer, int Length)> _filled;
    private readonly System.Threading.Channels.Channel<byte[]> _free;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private byte[]? _current;
    private int _offset;
    private int _length;
    private bool _done;

    public ReadAheadStream(Stream source, int bufferSize = 1 << 18, int depth = 4)
    {
        _source = source;
        _filled = System.Threading.Channels.Channel.CreateBounded<(byte[], int)>(depth);
        _free = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        for (var i = 0; i < depth + 1; i++)
        {
            _free.Writer.TryWrite(new byte[bufferSize]);
        }
        _producer = Task.Run(ProduceAsync);
    }

    private async Task ProduceAsync()
    {
        try
        {
            while (true)
            {
                var buffer = await _free.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var n = 0;
                while (n < buffer.Length)
                {
                    var read = await _source.ReadAsync(buffer.AsMemory(n), _stop.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    n += read;
                }
                if (n > 0)
                {
                    await _filled.Writer.WriteAsync((buffer, n), _stop.Token).ConfigureAwait(false);
                }
                if (n < buffer.Length)
                {
                    _filled.Writer.TryComplete();
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            _filled.Writer.TryComplete(ex);
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if ((_current is null || _offset == _length) && !EnsureData(sync: true).AsTask().GetAwaiter().GetResult())
        {
            return 0;
        }
        return Take(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_current is null || _offset == _length)
        {
            if (!await EnsureData(sync: false).ConfigureAwait(false))
            {
                return 0;
            }
        }
        return Take(buffer.Span);
    }

    private int Take(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    private async ValueTask<bool> EnsureData(bool sync)
    {
        if (_current is not null && _offset < _length)
        {
            return true;
        }
        if (_done)
        {
            return false;
        }
        if (_current is not null)
        {
            _free.Writer.TryWrite(_current);
            _current = null;
        }
        try
        {
            var next = sync && _filled.Reader.TryRead(out var ready) ? ready : await _filled.Reader.ReadAsync().ConfigureAwait(false);
            (_current, _offset, _length) = (next.Buffer, 0, next.Length);
            return true;
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            _done = true;
            if (ex.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            }
            return false;
        }
    }

    private bool _disposed;

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _source.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            try
            {
                _producer.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
            _source.Dispose();
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
