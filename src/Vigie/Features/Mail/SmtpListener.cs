using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SmtpServer;

namespace Vigie.Features.Mail;

/// <summary>
/// The built-in SMTP listener (SmtpServer package): started with the host by <c>vigie serve</c>,
/// stopped with it. Accepts mail for the team's addresses only and stores each message as a
/// report before answering 250 (see <see cref="IntakeMessageStore"/>).
/// </summary>
public sealed class SmtpListener(
    IOptions<SmtpListenerOptions> options,
    TeamAddresses addresses,
    IServiceScopeFactory scopes,
    ILogger<SmtpListener> logger) : IHostedService, IDisposable
{
    // RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Errors in a row (bad commands, refused recipients) after which a session is closed.</summary>
    public const int ConsecutiveErrorLimit = 1_000_000;

    private SmtpServer.SmtpServer? _server;
    private Task? _running;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _abort;
    private Task? _stopping;

    /// <summary>The address and port actually listened on (with port 0, the one the system picked); null when stopped or disabled.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogInformation("SMTP listener disabled (Vigie:Smtp:Enabled is false)");
            return;
        }

        var endpoint = new IPEndPoint(IPAddress.Parse(o.Address), o.Port);
        var certificate = LoadCertificate(o);
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName(string.IsNullOrWhiteSpace(o.ServerName) ? addresses.Domain : o.ServerName)
            .MaxMessageSize((int)o.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            // SmtpServer ends a session after this many errors in a row. A recipient over the limit is
            // answered 452 through that error path, and the session must survive thousands of them
            // (RFC 5321 §4.5.3.1.10); an idle or stuck client is still cut by the command timeout.
            .MaxRetryCount(ConsecutiveErrorLimit)
            .CommandWaitTimeout(s_commandTimeout)
            .Endpoint(e =>
            {
                e.Endpoint(endpoint).SessionTimeout(s_commandTimeout);
                if (certificate is not null)
                {
                    // Not secure from the start: the client upgrades with STARTTLS (RFC 3207).
                    e.IsSecure(false).Certificate(certificate);
                }
            })
            .Build();

        var listeners = new IntakeEndpointListenerFactory();

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new IntakeMailboxFilter(addresses, o.MaxRecipients));
        services.Add(new IntakeMessageStore(scopes, addresses, logger));

        _abort = new CancellationTokenSource();
        _server = new SmtpServer.SmtpServer(serverOptions, services);
        _server.SessionFaulted += (_, e) =>
            logger.LogWarning("SMTP session ended on an error: {Error}", e.Exception.Message);
        try
        {
            _running = _server.StartAsync(_abort.Token);
            var first = await Task.WhenAny(listeners.Started, _running).WaitAsync(cancellationToken);
            if (first == _running)
            {
                await _running;
                throw new InvalidOperationException("The SMTP listener stopped before it started listening.");
            }
        }
        catch (SocketException e)
        {
            _server = null;
            _running = null;
            await _abort.CancelAsync();
            throw new InvalidOperationException(
                $"The SMTP listener cannot listen on {endpoint}: {e.Message}. " +
                "Free the port, choose another with Vigie:Smtp:Port (environment Vigie__Smtp__Port), " +
                "or disable the listener with Vigie:Smtp:Enabled=false.", e);
        }

        LocalEndPoint = await listeners.Started;
        logger.LogInformation("SMTP listener on {Endpoint}{Tls}", LocalEndPoint,
            certificate is null ? "" : " (STARTTLS offered)");
    }

    /// <summary>
    /// Stops accepting, lets the sessions in progress finish (a message in DATA gets its answer),
    /// and cuts them after 10 s or when the host's shutdown time is up. The host may call this twice
    /// (its lifetime, then its owner): both calls wait for the same stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (_server is not { } server || _running is null || _abort is null)
        {
            return;
        }
        server.Shutdown();
        try
        {
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("SMTP listener: sessions still open at shutdown were cut");
        }
        await _abort.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        LocalEndPoint = null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            // Normally stopped first; if not, stop listening rather than leave the port bound.
            // The token source is not disposed: a stop may still be using it, and it holds no timer.
            if (_stopping is null && _server is not null)
            {
                _server.Shutdown();
                _abort?.Cancel();
            }
        }
    }

    private static X509Certificate2? LoadCertificate(SmtpListenerOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.CertificatePath))
        {
            return null;
        }
        var password = string.IsNullOrWhiteSpace(o.CertificatePasswordFile) ? null : SecretFile.Read(o.CertificatePasswordFile);
        try
        {
            var text = File.ReadAllText(o.CertificatePath);
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                var pem = password is null
                    ? X509Certificate2.CreateFromPem(text, text)
                    : X509Certificate2.CreateFromEncryptedPem(text, text, password);
                // SslStream on some platforms needs the key in a PKCS#12 container rather than ephemeral.
                using (pem)
                {
                    return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
                }
            }
            return X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The SMTP listener's certificate (Vigie:Smtp:CertificatePath = {o.CertificatePath}) cannot be loaded: {e.Message}", e);
        }
    }
}
