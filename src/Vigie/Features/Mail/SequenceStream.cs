using System.Buffers;

namespace Vigie.Features.Mail;

/// <summary>
/// A forward-only read stream over the buffer SmtpServer hands over, followed by a suffix: the
/// message goes to the blob store without a second copy in memory.
/// </summary>
internal sealed class SequenceStream(ReadOnlySequence<byte> data, ReadOnlyMemory<byte> suffix) : Stream
{
    private ReadOnlySequence<byte> _rest = data;
    private ReadOnlyMemory<byte> _suffix = suffix;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    private readonly long _length = data.Length + suffix.Length;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var count = 0;
        while (count < buffer.Length && !_rest.IsEmpty)
        {
            var first = _rest.FirstSpan;
            var n = Math.Min(first.Length, buffer.Length - count);
            first[..n].CopyTo(buffer[count..]);
            _rest = _rest.Slice(n);
            count += n;
        }
        if (count < buffer.Length && !_suffix.IsEmpty)
        {
            var n = Math.Min(_suffix.Length, buffer.Length - count);
            _suffix.Span[..n].CopyTo(buffer[count..]);
            _suffix = _suffix[n..];
            count += n;
        }
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
