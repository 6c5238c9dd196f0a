using System.Threading.Channels;

namespace Vigie.Features.Mail;

/// <summary>
/// Wakes the <see cref="OutboundMailer"/> when a message is queued on this node, so delivery is
/// prompt rather than at its next poll. Pokes coalesce: many enqueues make one wake-up.
/// </summary>
public sealed class OutboundSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks the mailer to look at the queue now.</summary>
    public void Poke() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a poke or until <paramref name="timeout"/> passes on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var poked = _channel.Reader.WaitToReadAsync(linked.Token).AsTask();
        var elapsed = Task.Delay(timeout, time, linked.Token);
        await Task.WhenAny(poked, elapsed);
        await linked.CancelAsync();
        ct.ThrowIfCancellationRequested();
        _channel.Reader.TryRead(out _);
    }
}
