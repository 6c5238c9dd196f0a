using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Vigie.Tests.Mail;

/// <summary>One message as the sink received it: envelope and the DATA bytes (CRLF-terminated, un-stuffed).</summary>
internal sealed record SinkMessage(string From, IReadOnlyList<string> To, byte[] Data, DateTimeOffset At);

/// <summary>
/// The SMTP relay of the outbound tests: a real SMTP server (SmtpServer package) on a free loopback
/// port that records what it receives, and answers as each test's rules say.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<DateTimeOffset> _clock;
    private Task? _running;

    public SmtpSink(Func<DateTimeOffset> clock) => _clock = clock;

    public int Port { get; private set; }

    public ConcurrentQueue<SinkMessage> Received { get; } = new();

    /// <summary>Attempts seen at end of DATA, per first recipient (including refused ones).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> Attempts { get; } = new();

    /// <summary>MAIL FROM addresses refused (5xx).</summary>
    public ConcurrentDictionary<string, bool> RefusedSenders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>RCPT TO addresses refused (550).</summary>
    public ConcurrentDictionary<string, bool> RefusedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>First recipient → how many more times to answer 451 at end of DATA.</summary>
    public ConcurrentDictionary<string, int> TemporaryFailures { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task StartAsync()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("relay.test")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult(e.LocalEndPoint);
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Filter(this));
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        Port = ((IPEndPoint)await started.Task.WaitAsync(TimeSpan.FromSeconds(10))).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    private sealed class Filter(SmtpSink sink) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(!sink.RefusedSenders.ContainsKey(from.AsAddress()));

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!sink.RefusedRecipients.ContainsKey(to.AsAddress()));
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var to = transaction.To.Select(m => m.AsAddress()).ToList();
            sink.Attempts.GetOrAdd(to[0], _ => new()).Enqueue(sink._clock());
            if (sink.TemporaryFailures.TryGetValue(to[0], out var left) && left > 0)
            {
                sink.TemporaryFailures[to[0]] = left - 1;
                return Task.FromResult(new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Try again later"));
            }
            // The final CRLF belongs to the message (RFC 5321 §4.1.1.4); SmtpServer strips it.
            var data = buffer.ToArray().Concat("\r\n"u8.ToArray()).ToArray();
            sink.Received.Enqueue(new SinkMessage(transaction.From.AsAddress(), to, data, sink._clock()));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
