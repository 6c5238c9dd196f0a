namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// Read-only pass-through that notes what MimeKit cannot tell afterwards: the byte count, NUL bytes,
/// and old Mac-style bare-CR line endings, which it turns into LF on the fly (same length, in place)
/// so a CR-only message still splits into lines. The decision is taken on the first bytes read: a
/// first chunk with CR and no LF means the whole message uses bare CR.
/// </summary>
internal sealed class InspectingStream(Stream inner) : Stream
{
    private const int TailSize = 4096;
    private readonly byte[] _tail = new byte[TailSize];
    private int _tailLength;
    private bool _decided;

    public long BytesRead { get; private set; }

    public bool HasNul { get; private set; }

    public bool BareCr { get; private set; }

    /// <summary>The last bytes read (up to 4 KB): where a message's closing boundary must be.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Inspect(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Inspect(buffer.Span[..read]);
        return read;
    }

    private void Inspect(Span<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }
        BytesRead += chunk.Length;
        if (!_decided)
        {
            _decided = true;
            BareCr = chunk.Contains((byte)'\r') && !chunk.Contains((byte)'\n');
        }
        if (BareCr)
        {
            chunk.Replace((byte)'\r', (byte)'\n');
        }
        if (!HasNul && chunk.Contains((byte)0))
        {
            HasNul = true;
        }
        if (chunk.Length >= TailSize)
        {
            chunk[^TailSize..].CopyTo(_tail);
            _tailLength = TailSize;
        }
        else
        {
            var keep = Math.Min(_tailLength, TailSize - chunk.Length);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            chunk.CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + chunk.Length;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
