using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Reports;

namespace Vigie.Features.Mail;

/// <summary>
/// Takes reports from IMAP mailboxes (MailKit), one loop per configured mailbox: every message in
/// the watched folder goes through <see cref="ReportIntake"/> and, only once that returned (blob on
/// disk, Report row committed), is moved to the processed folder. A message whose intake failed
/// stays where it is and is taken again at the next pass; intake is idempotent, so a message
/// stored but not moved (crash in between) gives no second report. Waits with IDLE (RFC 2177)
/// when the server offers it, else polls; reconnects with backoff.
/// </summary>
public sealed class ImapPoller(
    IOptions<ImapOptions> options,
    IServiceScopeFactory scopes,
    SecretValues secrets,
    TimeProvider time,
    ILogger<ImapPoller> logger) : BackgroundService
{
    // RFC 2177 §3: servers may drop an IDLE after 30 minutes; re-issue it well before.
    private static readonly TimeSpan s_idleRestart = TimeSpan.FromMinutes(9);
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>A message whose intake failed is tried again after this long, even if nothing new arrives.</summary>
    public static readonly TimeSpan RetryFailed = TimeSpan.FromSeconds(30);

    // Each mailbox loop adds to it concurrently; warned once per message.
    private readonly ConcurrentDictionary<(string, UniqueId), bool> _tooLarge = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Mailboxes.Select(m => RunMailboxAsync(m, stoppingToken)));

    private async Task RunMailboxAsync(ImapMailboxOptions mailbox, CancellationToken ct)
    {
        // Leave the host's start-up alone: the first connection happens off its path.
        await Task.Yield();
        if (string.IsNullOrWhiteSpace(mailbox.PasswordFile))
        {
            logger.LogWarning("IMAP {Mailbox}: the password is in the configuration (Password); prefer PasswordFile", mailbox.Name);
        }
        var backoff = s_firstBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RunSessionAsync(mailbox, () => backoff = s_firstBackoff, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure (network, server, storage) ends the session; the loop reconnects.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning("IMAP {Mailbox}: {Error}; reconnecting in {Delay}", mailbox.Name, e.Message, backoff);
            }
            try
            {
                await Task.Delay(backoff, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = backoff * 2 < s_maxBackoff ? backoff * 2 : s_maxBackoff;
        }
    }

    private async Task RunSessionAsync(ImapMailboxOptions mailbox, Action connected, CancellationToken ct)
    {
        using var client = new ImapClient();
        MailSecurity.TryParse(mailbox.Security, out var security);
        await client.ConnectAsync(mailbox.Host, mailbox.Port, security, ct);
        var password = !string.IsNullOrWhiteSpace(mailbox.PasswordFile)
            ? secrets.Reveal(await SecretFile.ReadAsync(mailbox.PasswordFile, ct), mailbox.PasswordFile)
            : secrets.Reveal(mailbox.Password, $"Vigie:Imap:Mailboxes ({mailbox.Name}):Password");
        await client.AuthenticateAsync(mailbox.Username, password, ct);

        var folder = await GetFolderAsync(client, mailbox.Folder, create: false, ct);
        var processed = await GetFolderAsync(client, mailbox.ProcessedFolder, create: true, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        connected();
        logger.LogInformation("IMAP {Mailbox}: watching {Folder} on {Host}:{Port}{Idle}", mailbox.Name, mailbox.Folder,
            mailbox.Host, mailbox.Port, UsesIdle(client, mailbox) ? " (IDLE)" : $" (every {mailbox.PollSeconds} s)");

        // EXISTS can come in the answer to any command (a MOVE, a NOOP), not only during IDLE: remember
        // it, so that mail announced while the folder was being processed is not left until the next IDLE.
        var changed = false;
        CancellationTokenSource? idle = null;
        folder.CountChanged += (_, _) =>
        {
            changed = true;
            idle?.Cancel();
        };
        while (!ct.IsCancellationRequested)
        {
            changed = false;
            var (_, failed) = await ProcessFolderAsync(client, folder, processed, mailbox, ct);
            var poll = TimeSpan.FromSeconds(mailbox.PollSeconds);
            if (!UsesIdle(client, mailbox))
            {
                await Task.Delay(failed > 0 && RetryFailed < poll ? RetryFailed : poll, time, ct);
                await client.NoOpAsync(ct); // also tells us when the connection is gone
                continue;
            }
            if (changed)
            {
                continue;
            }
            idle = new CancellationTokenSource(failed > 0 ? RetryFailed : s_idleRestart, time);
            try
            {
                await client.IdleAsync(idle.Token, ct);
            }
            finally
            {
                var done = idle;
                idle = null;
                done.Dispose();
            }
        }
        await client.DisconnectAsync(quit: true, CancellationToken.None);
    }

    private static bool UsesIdle(ImapClient client, ImapMailboxOptions mailbox) =>
        mailbox.UseIdle && client.Capabilities.HasFlag(ImapCapabilities.Idle);

    /// <summary>Stores every message of the folder as a report, then moves it out. Returns how many were taken and how many failed.</summary>
    internal async Task<(int Taken, int Failed)> ProcessFolderAsync(ImapClient client, IMailFolder folder, IMailFolder processed, ImapMailboxOptions mailbox, CancellationToken ct)
    {
        var uids = await folder.SearchAsync(SearchQuery.NotDeleted, ct);
        var taken = 0;
        var failed = 0;
        var recipient = EmailAddress.TryNormalize(mailbox.Address, out var address, out _) ? address : null;
        var sizes = uids.Count == 0 ? [] : (await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
            .ToDictionary(s => s.UniqueId, s => (long)(s.Size ?? 0));
        foreach (var uid in uids)
        {
            // Intake refuses more than its limit: downloading it again at every pass would only waste
            // the link. It stays in the folder for a person to deal with.
            if (sizes.GetValueOrDefault(uid) > ReportsApi.MaxMessageBytes)
            {
                if (_tooLarge.TryAdd((mailbox.Name, uid), true))
                {
                    logger.LogWarning("IMAP {Mailbox}: message {Uid} is {Size} bytes, over the {Limit}-byte limit; left in {Folder}",
                        mailbox.Name, uid, sizes[uid], ReportsApi.MaxMessageBytes, mailbox.Folder);
                }
                continue;
            }
            // BODY.PEEK[]: the raw message exactly as the server holds it, without setting \Seen. MailKit
            // reads it whole, so a network failure ends here (and the session), never inside intake.
            await using (var raw = await folder.GetStreamAsync(uid, ct))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var intake = scope.ServiceProvider.GetRequiredService<ReportIntake>();
                    await intake.AcceptAsync(raw, ReportSource.Imap, "imap:" + mailbox.Name, recipient, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Intake failed (disk, database): the message stays in the folder and is taken again later.
                    logger.LogError(e, "IMAP {Mailbox}: message {Uid} could not be stored; left in {Folder}", mailbox.Name, uid, mailbox.Folder);
                    failed++;
                    continue;
                }
            }
            await MoveAsync(client, folder, uid, processed, mailbox, ct);
            taken++;
        }
        if (taken > 0)
        {
            logger.LogInformation("IMAP {Mailbox}: {Count} message(s) stored and moved to {Processed}", mailbox.Name, taken, mailbox.ProcessedFolder);
        }
        return (taken, failed);
    }

    private static async Task MoveAsync(ImapClient client, IMailFolder folder, UniqueId uid, IMailFolder processed, ImapMailboxOptions mailbox, CancellationToken ct)
    {
        if (mailbox.UseMove && client.Capabilities.HasFlag(ImapCapabilities.Move))
        {
            await folder.MoveToAsync(uid, processed, ct); // RFC 6851
            return;
        }
        await folder.CopyToAsync(uid, processed, ct);
        await folder.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true, ct);
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await folder.ExpungeAsync([uid], ct); // UID EXPUNGE (RFC 4315): only this message
        }
        else
        {
            await folder.ExpungeAsync(ct);
        }
    }

    /// <summary>A folder named with '/' between levels (as configured), whatever the server's separator.</summary>
    private static async Task<IMailFolder> GetFolderAsync(ImapClient client, string path, bool create, CancellationToken ct)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var separator = client.PersonalNamespaces[0].DirectorySeparator;
        if (separator == '\0')
        {
            separator = '/';
        }
        var levels = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        try
        {
            return await client.GetFolderAsync(string.Join(separator, levels), ct);
        }
        catch (FolderNotFoundException) when (create)
        {
        }
        IMailFolder current = root;
        foreach (var name in levels)
        {
            var subfolders = await current.GetSubfoldersAsync(false, ct);
            current = subfolders.FirstOrDefault(f => f.Name == name)
                ?? await current.CreateAsync(name, true, ct)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder '{path}'.");
        }
        return current;
    }
}
