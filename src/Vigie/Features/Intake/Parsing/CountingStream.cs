namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// A read-only, forward-only view of a stream that counts the bytes read through it and, given a
/// cap, throws <see cref="ReadCapExceededException"/> once more than that came out: decompressed data
/// is never trusted to stop by itself. Disposing it disposes the inner stream.
/// </summary>
internal sealed class CountingStream(Stream inner, long cap = long.MaxValue) : Stream
{
    public long BytesRead { get; private set; }

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

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        BytesRead += read;
        return BytesRead > cap ? throw new ReadCapExceededException(cap) : read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>More bytes came out of a stream than its cap allows (see <see cref="CountingStream"/>).</summary>
internal sealed class ReadCapExceededException(long cap) : IOException($"More than {cap} bytes were read; reading stopped.");
