using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Mail;

/// <summary>Helpers shared by the mail tests.</summary>
internal static class MailTestKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static MimeKit.MimeMessage Mime(byte[] bytes) => MimeKit.MimeMessage.Load(new MemoryStream(bytes), Ct);

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A small report, CRLF, with a unique Message-ID.</summary>
    public static byte[] Sample(string tag, string to = "incident-csirt-cc@cegedim.com", string body = "Infected host 192.0.2.45 seen talking to a C2.") =>
        Encoding.UTF8.GetBytes(
            $"From: Abuse Desk <abuse@isp.example>\r\nTo: {to}\r\nSubject: Botnet infection {tag}\r\n" +
            $"Message-ID: <{tag}@isp.example>\r\nDate: Mon, 09 Mar 2026 09:12:00 +0100\r\nMIME-Version: 1.0\r\n" +
            $"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n");

    /// <summary>The SMTP listener's real endpoint (the fixtures listen on port 0).</summary>
    public static IPEndPoint SmtpEndPoint(this VigieApp app) =>
        app.Services.GetRequiredService<SmtpListener>().LocalEndPoint
        ?? throw new InvalidOperationException("The SMTP listener is not running.");

    public static async Task<Report?> ReportBySha(this VigieApp app, string sha)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking().SingleOrDefaultAsync(r => r.Sha256 == sha, Ct);
    }

    public static async Task<byte[]> Blob(this VigieApp app, string sha)
    {
        await using var stream = app.Services.GetRequiredService<BlobStore>().OpenRead(sha);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    /// <summary>Checks <paramref name="condition"/> until true, moving the fake clock by <paramref name="advance"/> between tries.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? advance = null, VigieApp? app = null, int seconds = 30)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (Environment.TickCount64 < deadline)
        {
            if (await condition())
            {
                return;
            }
            if (advance is { } step && app is not null)
            {
                app.Time.Advance(step);
            }
            await Task.Delay(50, Ct);
        }
        Assert.Fail($"Timed out waiting for: {what}");
    }
}

/// <summary>
/// A bare SMTP conversation over a socket, for what MailKit will not send (10,000 recipients,
/// no SIZE parameter, a 0-byte message). Reads replies concurrently with writes so pipelined
/// commands never dead-lock on full socket buffers.
/// </summary>
internal sealed class SmtpWire : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private SmtpWire(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<SmtpWire> ConnectAsync(IPEndPoint endpoint)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, MailTestKit.Ct);
        var wire = new SmtpWire(tcp);
        var greeting = await wire.ReadReplyAsync();
        Assert.StartsWith("220", greeting);
        return wire;
    }

    /// <summary>One reply (the last line of a multi-line reply, which carries the code).</summary>
    public async Task<string> ReadReplyAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(MailTestKit.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("The server closed the connection.");
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }

    public async Task<string> CommandAsync(string line)
    {
        await WriteAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    public async Task WriteAsync(string text) => await WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes, MailTestKit.Ct);
        await _stream.FlushAsync(MailTestKit.Ct);
    }

    /// <summary>Sends <paramref name="lines"/> pipelined (RFC 2920) and returns their replies, in order.</summary>
    public async Task<List<string>> PipelineAsync(IReadOnlyList<string> lines)
    {
        var replies = new List<string>(lines.Count);
        var reading = Task.Run(async () =>
        {
            for (var i = 0; i < lines.Count; i++)
            {
                replies.Add(await ReadReplyAsync());
            }
        }, MailTestKit.Ct);
        var buffer = new StringBuilder();
        foreach (var line in lines)
        {
            buffer.Append(line).Append("\r\n");
            if (buffer.Length > 16 * 1024)
            {
                await WriteAsync(buffer.ToString());
                buffer.Clear();
            }
        }
        if (buffer.Length > 0)
        {
            await WriteAsync(buffer.ToString());
        }
        await reading;
        return replies;
    }

    /// <summary>The DATA phase: dot-stuffs the message (RFC 5321 §4.5.2) and returns the final reply.</summary>
    public async Task<string> DataAsync(byte[] message)
    {
        var go = await CommandAsync("DATA");
        Assert.StartsWith("354", go);
        var text = Encoding.Latin1.GetString(message);
        var stuffed = (text.StartsWith('.') ? "." : "") + text.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        if (!stuffed.EndsWith("\r\n", StringComparison.Ordinal))
        {
            stuffed += "\r\n";
        }
        await WriteAsync(Encoding.Latin1.GetBytes(stuffed + ".\r\n"));
        return await ReadReplyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_tcp.Connected)
            {
                await WriteAsync("QUIT\r\n");
            }
        }
        catch (IOException)
        {
        }
        _reader.Dispose();
        _tcp.Dispose();
    }
}
