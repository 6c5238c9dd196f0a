using MailKit.Security;

namespace Vigie.Features.Mail;

// Options of the mail feature, one class per concern, documented key by key in docs/mail.md.
// Lists are initialised empty (never with defaults): the configuration binder appends to lists.

/// <summary>The built-in SMTP listener (<c>Vigie:Smtp</c>), started by <c>vigie serve</c>.</summary>
public sealed class SmtpListenerOptions
{
    public const string Section = "Vigie:Smtp";

    /// <summary>Whether <c>serve</c> starts the listener.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IP address to listen on (loopback by default: put a real MTA in front, or open it deliberately).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 2525;

    /// <summary>Largest message accepted, in bytes (default 25 MB); larger ones are refused with 552.</summary>
    public long MaxMessageBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// Recipients accepted per transaction; further RCPT commands get 452 and the session goes on
    /// (RFC 5321 §4.5.3.1.10: the client sends the rest in a later transaction).
    /// </summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Name in the greeting and EHLO reply; default: the domain of the team's incident address.</summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// Certificate (PKCS#12 <c>.p12</c>/<c>.pfx</c>, or PEM holding the certificate and its private key)
    /// that makes the listener offer STARTTLS (RFC 3207). Without it, no STARTTLS.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>File holding the certificate's password (PKCS#12 or encrypted PEM key), if any.</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>Addresses accepted besides the team profile's incident and general addresses.</summary>
    public List<string> ExtraAddresses { get; set; } = [];
}

/// <summary>IMAP mailboxes polled for reports (<c>Vigie:Imap</c>).</summary>
public sealed class ImapOptions
{
    public const string Section = "Vigie:Imap";

    public List<ImapMailboxOptions> Mailboxes { get; set; } = [];
}

/// <summary>One IMAP mailbox (<c>Vigie:Imap:Mailboxes:N</c>).</summary>
public sealed class ImapMailboxOptions
{
    /// <summary>Short unique name, used in logs and as <c>imap:&lt;name&gt;</c> in the report's SubmittedBy.</summary>
    public string Name { get; set; } = "";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 993;

    /// <summary><c>SslOnConnect</c> (port 993), <c>StartTls</c> (port 143) or <c>None</c> (tests, loopback only).</summary>
    public string Security { get; set; } = "SslOnConnect";

    public string Username { get; set; } = "";

    /// <summary>File holding the password (first line); the recommended way.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The password itself; discouraged (it ends up in configuration files and process environments).</summary>
    public string? Password { get; set; }

    /// <summary>Folder watched for new mail.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Folder a message is moved to once it is stored as a report; created if missing.</summary>
    public string ProcessedFolder { get; set; } = "Vigie/Processed";

    /// <summary>The team address this mailbox serves: the report's recipient (incident or general address).</summary>
    public string Address { get; set; } = "";

    /// <summary>Seconds between polls when the server offers no IDLE (or <see cref="UseIdle"/> is false).</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>Wait with IDLE (RFC 2177) when the server offers it, so mail is taken as soon as it arrives.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>Use MOVE (RFC 6851) when offered; false forces COPY + \Deleted + EXPUNGE.</summary>
    public bool UseMove { get; set; } = true;
}

/// <summary>The SMTP relay outbound mail is handed to (<c>Vigie:Mail:Relay</c>).</summary>
public sealed class MailRelayOptions
{
    public const string Section = "Vigie:Mail:Relay";

    /// <summary>Relay host; without it, outbound mail stays queued (one warning is logged).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c>, <c>SslOnConnect</c>, <c>StartTlsWhenAvailable</c>, <c>Auto</c> or <c>None</c>.</summary>
    public string Security { get; set; } = "StartTls";

    public string? Username { get; set; }

    /// <summary>File holding the relay password (first line).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Attempts before a message is marked Failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Delay before the first retry; each next one doubles, capped at <see cref="MaxRetry"/>.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest delay between two attempts.</summary>
    public TimeSpan MaxRetry { get; set; } = TimeSpan.FromHours(6);

    /// <summary>True when a relay is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The delay after the <paramref name="attempts"/>-th failed attempt (1, 2, …).</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var delay = FirstRetry;
        for (var i = 1; i < attempts && delay < MaxRetry; i++)
        {
            delay += delay;
        }
        return delay < MaxRetry ? delay : MaxRetry;
    }
}

/// <summary>Parsing of the <c>Security</c> settings.</summary>
internal static class MailSecurity
{
    public static bool TryParse(string? value, out SecureSocketOptions options) =>
        Enum.TryParse(value, ignoreCase: true, out options) && Enum.IsDefined(options);
}
