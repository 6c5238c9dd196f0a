using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Tests.Infrastructure;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Mail;

/// <summary>
/// The Dovecot server that scripts/test.sh starts (VIGIE_TEST_IMAP, a writable passwd-file, the
/// dovecot.conf for dovecot-lda). Each fixture adds users of its own. Without it, IMAP tests skip;
/// under CI (or VIGIE_REQUIRE_IMAP=1) they fail instead.
/// </summary>
internal static class Dovecot
{
    public static string? Endpoint => Environment.GetEnvironmentVariable("VIGIE_TEST_IMAP");

    public static string? UsersFile => Environment.GetEnvironmentVariable("VIGIE_TEST_IMAP_USERS");

    public static string? Config => Environment.GetEnvironmentVariable("VIGIE_TEST_DOVECOT_CONF");

    public static bool Available => Endpoint is { Length: > 0 } && File.Exists(UsersFile) && File.Exists(Config);

    public static bool Required => MailTestKit.Required || Environment.GetEnvironmentVariable("VIGIE_REQUIRE_IMAP") == "1";

    public const string SkipReason = "Dovecot is not configured: run scripts/test.sh, or set VIGIE_TEST_IMAP, VIGIE_TEST_IMAP_USERS and VIGIE_TEST_DOVECOT_CONF.";

    public static string Host => Endpoint!.Split(':')[0];

    public static int Port => int.Parse(Endpoint!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds a user (Dovecot re-reads the passwd-file when it changes).</summary>
    public static void AddUser(string user, string password)
    {
        using var mutex = new Mutex(false, "vigie-test-dovecot-users");
        mutex.WaitOne();
        try
        {
            File.AppendAllText(UsersFile!, $"{user}:{{PLAIN}}{password}::::::\n");
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    /// <summary>Delivers a message to a user's INBOX the way an MTA would (dovecot-lda).</summary>
    public static async Task DeliverAsync(string user, byte[] message)
    {
        var start = new ProcessStartInfo("/usr/lib/dovecot/dovecot-lda")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", Config!, "-d", user, "-f", "reporter@partner.example" })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(message, Ct);
        process.StandardInput.Close();
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"dovecot-lda failed ({process.ExitCode}): {error}");
    }

    /// <summary>The Message-IDs in a folder ('/' between levels), as the user sees them.</summary>
    public static async Task<List<string>> MessageIdsAsync(string user, string password, string path)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Host, Port, SecureSocketOptions.None, Ct);
        await client.AuthenticateAsync(user, password, Ct);
        var separator = client.PersonalNamespaces[0].DirectorySeparator;
        IMailFolder folder;
        try
        {
            folder = await client.GetFolderAsync(path.Replace('/', separator), Ct);
        }
        catch (FolderNotFoundException)
        {
            return [];
        }
        await folder.OpenAsync(FolderAccess.ReadOnly, Ct);
        var uids = await folder.SearchAsync(SearchQuery.NotDeleted, Ct);
        var ids = new List<string>();
        foreach (var summary in await folder.FetchAsync(uids, MessageSummaryItems.Envelope, Ct))
        {
            ids.Add(summary.Envelope?.MessageId ?? "");
        }
        await client.DisconnectAsync(true, Ct);
        return ids;
    }
}

/// <summary>
/// A host polling two Dovecot mailboxes: "incident" (IDLE, MOVE, password file) and "general"
/// (polling every 30 s, COPY + EXPUNGE instead of MOVE, inline password).
/// </summary>
public sealed class ImapApp : VigieApp
{
    public string IncidentUser { get; } = $"incident-{Guid.NewGuid():N}@csirt.test";

    public string GeneralUser { get; } = $"general-{Guid.NewGuid():N}@csirt.test";

    public const string Password = "imap test password";

    public bool Missing { get; private set; }

    public override Provider Provider => Provider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        if (!Dovecot.Available)
        {
            Missing = true;
            if (Dovecot.Required)
            {
                throw new InvalidOperationException("CI requires the IMAP tests to run, but " + Dovecot.SkipReason);
            }
            return;
        }
        Dovecot.AddUser(IncidentUser, Password);
        Dovecot.AddUser(GeneralUser, Password);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "imap.password"), Password + "\n");
        await base.InitializeAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => Missing ? new Dictionary<string, string>() : new Dictionary<string, string>
    {
        ["Vigie:Imap:Mailboxes:0:Name"] = "incident",
        ["Vigie:Imap:Mailboxes:0:Host"] = Dovecot.Host,
        ["Vigie:Imap:Mailboxes:0:Port"] = Dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:Imap:Mailboxes:0:Security"] = "None",
        ["Vigie:Imap:Mailboxes:0:Username"] = IncidentUser,
        ["Vigie:Imap:Mailboxes:0:PasswordFile"] = Path.Combine(DataDirectory, "imap.password"),
        ["Vigie:Imap:Mailboxes:0:Address"] = SmtpApp.Incident,
        ["Vigie:Imap:Mailboxes:1:Name"] = "general",
        ["Vigie:Imap:Mailboxes:1:Host"] = Dovecot.Host,
        ["Vigie:Imap:Mailboxes:1:Port"] = Dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:Imap:Mailboxes:1:Security"] = "None",
        ["Vigie:Imap:Mailboxes:1:Username"] = GeneralUser,
        ["Vigie:Imap:Mailboxes:1:Password"] = Password,
        ["Vigie:Imap:Mailboxes:1:Address"] = "Contact-CSIRT-CC@cegedim.com",
        ["Vigie:Imap:Mailboxes:1:ProcessedFolder"] = "Done",
        ["Vigie:Imap:Mailboxes:1:UseIdle"] = "false",
        ["Vigie:Imap:Mailboxes:1:UseMove"] = "false",
        ["Vigie:Imap:Mailboxes:1:PollSeconds"] = "30",
    };
}

/// <summary>IMAP intake against a real Dovecot: stored first, then moved; nothing lost, nothing doubled.</summary>
public sealed class ImapPollerTests(ImapApp app) : IClassFixture<ImapApp>
{
    private void SkipIfMissing() => Assert.SkipWhen(app.Missing, Dovecot.SkipReason);

    private async Task<int> ReportCount(string sha)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.CountAsync(r => r.Sha256 == sha, Ct);
    }

    [Fact]
    public async Task Mail_delivered_to_an_IDLE_mailbox_becomes_a_report_then_moves_to_the_processed_folder_and_is_never_doubled()
    {
        SkipIfMissing();
        var first = Sample(Guid.NewGuid().ToString("N"));
        await Dovecot.DeliverAsync(app.IncidentUser, first);

        // IDLE: no clock to move, the server announces the mail.
        await Eventually(async () => await app.ReportBySha(Sha(first)) is not null, "the first report");
        var report = (await app.ReportBySha(Sha(first)))!;
        Assert.Equal(ReportSource.Imap, report.Source);
        Assert.Equal("imap:incident", report.SubmittedBy);
        Assert.Equal(SmtpApp.Incident, report.Recipient);
        Assert.Equal(first, await app.Blob(report.Sha256));

        await Eventually(async () => (await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "Vigie/Processed")).Contains(report.MessageId!),
            "the move to Vigie/Processed");
        Assert.DoesNotContain(report.MessageId!, await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "INBOX"));

        // The next pass takes only the new mail: the first stays one report.
        var second = Sample(Guid.NewGuid().ToString("N"));
        await Dovecot.DeliverAsync(app.IncidentUser, second);
        await Eventually(async () => await app.ReportBySha(Sha(second)) is not null, "the second report");
        var secondId = (await app.ReportBySha(Sha(second)))!.MessageId!;
        await Eventually(async () => (await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "Vigie/Processed")) is var ids
            && ids.Contains(report.MessageId!) && ids.Contains(secondId), "both in Vigie/Processed");
        Assert.Equal(1, await ReportCount(Sha(first)));
        Assert.Equal(1, await ReportCount(Sha(second)));
        var inbox = await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "INBOX");
        Assert.DoesNotContain(report.MessageId!, inbox);
        Assert.DoesNotContain(secondId, inbox);
    }

    [Fact]
    public async Task A_polled_mailbox_without_MOVE_copies_then_expunges()
    {
        SkipIfMissing();
        var bytes = Sample(Guid.NewGuid().ToString("N"), SmtpApp.General);
        await Dovecot.DeliverAsync(app.GeneralUser, bytes);

        // No IDLE here: the next poll comes when the (fake) clock has moved by PollSeconds.
        await Eventually(async () => await app.ReportBySha(Sha(bytes)) is not null, "the report", TimeSpan.FromSeconds(10), app);
        var report = (await app.ReportBySha(Sha(bytes)))!;
        Assert.Equal("imap:general", report.SubmittedBy);
        Assert.Equal(SmtpApp.General, report.Recipient);
        await Eventually(async () => (await Dovecot.MessageIdsAsync(app.GeneralUser, ImapApp.Password, "Done")).Contains(report.MessageId!),
            "the copy to Done");
        Assert.DoesNotContain(report.MessageId!, await Dovecot.MessageIdsAsync(app.GeneralUser, ImapApp.Password, "INBOX"));
    }

    [Fact]
    public async Task A_message_whose_intake_fails_stays_in_the_inbox_and_is_taken_later()
    {
        SkipIfMissing();
        var tmp = Path.Combine(app.DataDirectory, "blobs", "tmp");
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(tmp)!);
        await File.WriteAllTextAsync(tmp, "in the way", Ct);
        var tag = Guid.NewGuid().ToString("N");
        var bytes = Sample(tag);
        try
        {
            await Dovecot.DeliverAsync(app.IncidentUser, bytes);
            await Task.Delay(TimeSpan.FromSeconds(2), Ct); // IDLE wakes the poller at once; its intake fails
            Assert.Null(await app.ReportBySha(Sha(bytes)));
            Assert.Contains($"{tag}@isp.example", await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "INBOX"));
        }
        finally
        {
            File.Delete(tmp);
        }
        // Retried after ImapPoller.RetryFailed, without any new mail.
        await Eventually(async () => await app.ReportBySha(Sha(bytes)) is not null, "the report after the retry", ImapPoller.RetryFailed / 3, app);
        await Eventually(async () => !(await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "INBOX")).Contains($"{tag}@isp.example"),
            "the move out of INBOX");
    }

    [Fact]
    public async Task A_message_over_the_intake_limit_stays_in_the_inbox_without_blocking_the_others()
    {
        SkipIfMissing();
        var bigTag = Guid.NewGuid().ToString("N");
        var line = new string('x', 998) + "\r\n";
        var big = Sample(bigTag, body: string.Concat(Enumerable.Repeat(line, (int)(Vigie.Features.Reports.ReportsApi.MaxMessageBytes / line.Length) + 10)));
        await Dovecot.DeliverAsync(app.IncidentUser, big);
        var small = Sample(Guid.NewGuid().ToString("N"));
        await Dovecot.DeliverAsync(app.IncidentUser, small);

        await Eventually(async () => await app.ReportBySha(Sha(small)) is not null, "the small message's report");
        Assert.Null(await app.ReportBySha(Sha(big)));
        Assert.Contains($"{bigTag}@isp.example", await Dovecot.MessageIdsAsync(app.IncidentUser, ImapApp.Password, "INBOX"));
    }
}
