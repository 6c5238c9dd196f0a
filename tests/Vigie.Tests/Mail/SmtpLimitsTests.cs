using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Vigie.Tests.Infrastructure;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Mail;

/// <summary>A listener with a small size limit, three recipients at most, and STARTTLS with a self-signed certificate.</summary>
public sealed class SmtpLimitsApp : VigieApp
{
    public const int Limit = 8 * 1024;

    public override Provider Provider => Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var pfx = Path.Combine(DataDirectory, "smtp.p12");
        var passwordFile = Path.Combine(DataDirectory, "smtp.p12.password");
        if (!File.Exists(pfx))
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=mx.csirt.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse("2035-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, "p12 secret"));
            File.WriteAllText(passwordFile, "p12 secret\n");
        }
        return new Dictionary<string, string>
        {
            ["Vigie:Smtp:Enabled"] = "true",
            ["Vigie:Smtp:Port"] = "0",
            ["Vigie:Smtp:MaxMessageBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigie:Smtp:MaxRecipients"] = "3",
            ["Vigie:Smtp:ServerName"] = "mx.csirt.test",
            ["Vigie:Smtp:CertificatePath"] = pfx,
            ["Vigie:Smtp:CertificatePasswordFile"] = passwordFile,
        };
    }
}

public sealed class SmtpLimitsTests(SmtpLimitsApp app) : IClassFixture<SmtpLimitsApp>
{
    private static byte[] Big(int size)
    {
        var head = Sample(Guid.NewGuid().ToString("N"));
        var line = new string('x', 76) + "\r\n";
        var text = System.Text.Encoding.ASCII.GetString(head) + string.Concat(Enumerable.Repeat(line, size / line.Length + 1));
        return System.Text.Encoding.ASCII.GetBytes(text);
    }

    [Fact]
    public async Task A_message_over_the_limit_gets_552_with_or_without_SIZE_and_the_listener_stays_up()
    {
        var big = Big(SmtpLimitsApp.Limit * 2);

        // MailKit announces SIZE= in MAIL FROM (RFC 1870), so the refusal comes before any data.
        using (var client = new SmtpClient())
        {
            var endpoint = app.SmtpEndPoint();
            await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
            Assert.Equal((uint)SmtpLimitsApp.Limit, client.MaxSize);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mime(big),
                MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct));
            Assert.Equal(552, (int)refused.StatusCode);
        }

        // Without SIZE, the limit is enforced while reading DATA.
        await using (var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint()))
        {
            Assert.StartsWith("250", await wire.CommandAsync("EHLO big.example"));
            Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<a@partner.example>"));
            Assert.StartsWith("250", await wire.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
            Assert.StartsWith("552", await wire.DataAsync(big));
        }
        Assert.Null(await app.ReportBySha(Sha(big)));

        var small = Sample(Guid.NewGuid().ToString("N"));
        await using (var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint()))
        {
            Assert.StartsWith("250", await wire.CommandAsync("EHLO small.example"));
            Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<a@partner.example>"));
            Assert.StartsWith("250", await wire.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
            Assert.StartsWith("250", await wire.DataAsync(small));
        }
        Assert.NotNull(await app.ReportBySha(Sha(small)));
    }

    [Fact]
    public async Task The_recipient_limit_is_configurable_and_MailKit_sees_452()
    {
        await using var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint());
        Assert.StartsWith("250", await wire.CommandAsync("EHLO many.example"));
        Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<a@partner.example>"));
        var replies = await wire.PipelineAsync([.. Enumerable.Repeat($"RCPT TO:<{SmtpApp.Incident}>", 5)]);
        Assert.Equal(["250", "250", "250", "452", "452"], replies.Select(r => r[..3]));
    }

    [Fact]
    public async Task STARTTLS_is_offered_with_the_configured_certificate_and_mail_goes_through_it()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        string? seen = null;
        using var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate?.Subject;
                return true; // self-signed test certificate
            },
        };
        var endpoint = app.SmtpEndPoint();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.StartTls, Ct);
        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Size));
        await client.SendAsync(Mime(bytes), MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
        await client.DisconnectAsync(true, Ct);

        Assert.Equal("CN=mx.csirt.test", seen);
        Assert.Equal(bytes, await app.Blob((await app.ReportBySha(Sha(bytes)))!.Sha256));
    }

    [Fact]
    public async Task A_storage_failure_answers_451_and_the_retry_is_stored_once()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        // The blob store cannot create its temporary directory: a file stands where it should be.
        var tmp = Path.Combine(app.DataDirectory, "blobs", "tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(tmp)!);
        // The host's intake worker may be storing an attachment of an earlier test and recreate the
        // directory between the delete and the write: try again until the file stands there.
        for (var attempt = 1; !File.Exists(tmp); attempt++)
        {
            try
            {
                if (Directory.Exists(tmp))
                {
                    Directory.Delete(tmp, recursive: true);
                }
                await File.WriteAllTextAsync(tmp, "in the way", Ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 50)
            {
                await Task.Delay(100, Ct);
            }
        }
        try
        {
            using var client = new SmtpClient();
            var endpoint = app.SmtpEndPoint();
            await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
            var failed = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mime(bytes),
                MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct));
            Assert.Equal(451, (int)failed.StatusCode);
            Assert.Null(await app.ReportBySha(Sha(bytes)));

            File.Delete(tmp);
            await client.SendAsync(Mime(bytes), MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
            await client.SendAsync(Mime(bytes), MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
            await client.DisconnectAsync(true, Ct);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
        Assert.Equal(bytes, await app.Blob((await app.ReportBySha(Sha(bytes)))!.Sha256));
    }

    [Fact]
    public async Task An_empty_message_holds_only_its_own_session_and_a_one_line_message_is_stored()
    {
        // SmtpServer waits for "CRLF.CRLF" after the DATA line, so a bare "." right after DATA leaves
        // that one session waiting (until the command timeout); every other session is served.
        await using (var stuck = await SmtpWire.ConnectAsync(app.SmtpEndPoint()))
        {
            Assert.StartsWith("250", await stuck.CommandAsync("EHLO empty.example"));
            Assert.StartsWith("250", await stuck.CommandAsync("MAIL FROM:<a@partner.example>"));
            Assert.StartsWith("250", await stuck.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
            Assert.StartsWith("354", await stuck.CommandAsync("DATA"));
            await stuck.WriteAsync(".\r\n");

            await using var other = await SmtpWire.ConnectAsync(app.SmtpEndPoint());
            Assert.StartsWith("250", await other.CommandAsync("EHLO other.example"));
            Assert.StartsWith("250", await other.CommandAsync("MAIL FROM:<a@partner.example>"));
            Assert.StartsWith("250", await other.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
            // The smallest message: one empty line.
            Assert.StartsWith("250", await other.DataAsync("\r\n"u8.ToArray()));
        }
        var report = await app.ReportBySha(Sha("\r\n"u8.ToArray()));
        Assert.NotNull(report);
        Assert.Equal(2, report.Size);
        Assert.Null(report.MessageId);
    }
}

/// <summary>Start-up of the listener itself.</summary>
public sealed class SmtpStartupTests
{
    [Fact]
    public async Task A_port_already_taken_stops_start_up_with_a_clear_message()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("vigie-smtp-port-").FullName;
        try
        {
            var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>
            {
                ["Vigie:DataDirectory"] = data,
                ["Vigie:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "None",
            });
            await using var host = VigieHost.BuildApp(builder);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));
            Assert.Contains($"cannot listen on 127.0.0.1:{port}", error.Message);
            Assert.Contains("Vigie:Smtp:Port", error.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_mail_settings_stop_start_up_naming_each_key()
    {
        var data = Directory.CreateTempSubdirectory("vigie-mail-options-").FullName;
        try
        {
            var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>
            {
                ["Vigie:DataDirectory"] = data,
                ["Vigie:Smtp:Enabled"] = "false",
                ["Vigie:Smtp:MaxRecipients"] = "0",
                ["Vigie:Smtp:ExtraAddresses:0"] = "not-an-address",
                ["Vigie:Imap:Mailboxes:0:Name"] = "incident",
                ["Vigie:Imap:Mailboxes:0:Security"] = "Tls",
                ["Vigie:Mail:Relay:Host"] = "relay.example",
                ["Vigie:Mail:Relay:MaxAttempts"] = "0",
                ["urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "None",
            });
            await using var host = VigieHost.BuildApp(builder);
            // One failure per options class, all reported together.
            var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync(Ct));
            Assert.All(error.InnerExceptions, e => Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(e));
            foreach (var key in new[] { "Vigie:Smtp:MaxRecipients", "Vigie:Smtp:ExtraAddresses:0", "Vigie:Imap:Mailboxes:0:Host",
                "Vigie:Imap:Mailboxes:0:Security", "Vigie:Imap:Mailboxes:0:Username", "Vigie:Imap:Mailboxes:0:PasswordFile",
                "Vigie:Imap:Mailboxes:0:Address", "Vigie:Mail:Relay:MaxAttempts" })
            {
                Assert.Contains(key, error.Message);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
