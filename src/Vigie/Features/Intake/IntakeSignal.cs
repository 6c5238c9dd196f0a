namespace Vigie.Features.Intake;

/// <summary>
/// Wakes the intake worker as soon as a report is committed, so reading starts at once rather
/// than at the next poll. Losing a signal is harmless: the worker also polls.
/// </summary>
public sealed class IntakeSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by a concurrent caller: one wake-up is enough.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);
}
