using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Vigie.Features.Mail;

/// <summary>
/// Accepts the listener's TCP connections with Nagle's algorithm off. SmtpServer writes each reply
/// to pipelined commands (RFC 2920) separately; with Nagle on, the second one waits for the
/// client's delayed ACK, about 40 ms a message. Also reports the port actually bound (port 0).
/// </summary>
internal sealed class IntakeEndpointListenerFactory : IEndpointListenerFactory
{
    private readonly TaskCompletionSource<IPEndPoint> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the bound endpoint once listening.</summary>
    public Task<IPEndPoint> Started => _started.Task;

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var listener = new TcpListener(endpointDefinition.Endpoint);
        listener.Start();
        _started.TrySetResult((IPEndPoint)listener.LocalEndpoint);
        return new Listener(listener);
    }

    private sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            TcpClient client;
            while (true)
            {
                try
                {
                    client = await listener.AcceptTcpClientAsync(cancellationToken);
                    break;
                }
                catch (SocketException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A failed accept (a connection reset before it was taken, no file descriptor
                    // left) must not end the listener: wait a moment and accept the next one.
                    await Task.Delay(100, cancellationToken);
                }
            }
            client.NoDelay = true;
            context.Properties[EndpointListener.LocalEndPointKey] = listener.LocalEndpoint;
            context.Properties[EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
            return new NetworkPipe(client);
        }

        public void Dispose() => listener.Stop();
    }

    /// <summary>The connection as SmtpServer reads and writes it, upgradable to TLS by STARTTLS (RFC 3207).</summary>
    private sealed class NetworkPipe : ISecurableDuplexPipe
    {
        private readonly TcpClient _client;
        private Stream _stream;

        public NetworkPipe(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
            Input = PipeReader.Create(_stream);
            Output = PipeWriter.Create(_stream);
        }

        public PipeReader Input { get; private set; }

        public PipeWriter Output { get; private set; }

        public bool IsSecure => _stream is SslStream;

        public SslProtocols SslProtocol => _stream is SslStream ssl ? ssl.SslProtocol : SslProtocols.None;

        public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
        {
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: true);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = false,
                EnabledSslProtocols = protocols,
                AllowRenegotiation = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancellationToken);
            _stream = ssl;
            Input = PipeReader.Create(_stream);
            Output = PipeWriter.Create(_stream);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _client.Dispose();
        }
    }
}
