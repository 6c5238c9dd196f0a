using System.Globalization;
using System.Text;

namespace Vigie.Core.Intake;

/// <summary>What <see cref="AutoReplyPolicy"/> needs to know about an inbound message.</summary>
/// <param name="Sender">Address an answer would go to (Reply-To, else From): a bare addr-spec; may be null or garbage.</param>
/// <param name="EnvelopeFrom">SMTP MAIL FROM / Return-Path, if known; <c>""</c> or <c>&lt;&gt;</c> means a bounce (RFC 5321 §4.5.5).</param>
/// <param name="AutoSubmitted">The Auto-Submitted header (RFC 3834 §5), if present: anything but <c>no</c> suppresses.</param>
/// <param name="Precedence">The Precedence header, if present: <c>bulk</c>, <c>list</c>, <c>junk</c> (and <c>auto_reply</c>) suppress.</param>
/// <param name="HasListHeaders">Whether List-Id, List-Unsubscribe, List-Post… are present (RFC 2369, RFC 2919).</param>
/// <param name="XAutoResponseSuppress">Microsoft's X-Auto-Response-Suppress header, if present: <c>All</c>, <c>AutoReply</c> or <c>OOF</c> suppress.</param>
/// <param name="IsDeliveryReport">Whether the message is a multipart/report (DSN, MDN, machine-made ARF): the caller decides.</param>
/// <param name="OwnAddresses">The team's addresses, normalised lower case.</param>
/// <param name="LastAutoReplyToSender">When this sender last got an automatic answer from us, if ever.</param>
/// <param name="Now">The current time (from the caller's TimeProvider).</param>
/// <param name="Window">At most one automatic answer per sender within this window (24 hours by default; zero: no limit).</param>
public sealed record AutoReplyInput(
    string? Sender,
    string? EnvelopeFrom,
    string? AutoSubmitted,
    string? Precedence,
    bool HasListHeaders,
    string? XAutoResponseSuppress,
    bool IsDeliveryReport,
    IReadOnlyCollection<string> OwnAddresses,
    DateTimeOffset? LastAutoReplyToSender,
    DateTimeOffset Now,
    TimeSpan Window);

/// <summary>Whether to send an automatic answer, and why, as a sentence for the report's history.</summary>
/// <param name="Send">True to answer.</param>
/// <param name="Reason">A readable English sentence, whichever the decision.</param>
public sealed record AutoReplyDecision(bool Send, string Reason);

/// <summary>
/// Decides whether an inbound message may get an automatic answer (acknowledgement, redirection) (issue 3 §6):
/// never to machines, lists, bounces or ourselves, and at most once per sender per window, so that two
/// responders can never answer each other in a loop and nobody is flooded.
/// </summary>
/// <remarks>
/// <para>Checks, in order (the first that applies gives the reason):</para>
/// <list type="number">
/// <item>The sender address is missing or not a valid address: there is nobody to answer.</item>
/// <item>The envelope sender is null (<c>&lt;&gt;</c>): a bounce or other notification (RFC 5321 §4.5.5, RFC 3834 §2).</item>
/// <item>The message is a delivery or disposition report (multipart/report, RFC 6522).</item>
/// <item>Auto-Submitted is present with any value but <c>no</c> (RFC 3834 §2 and §5); an empty value counts as present.</item>
/// <item>X-Auto-Response-Suppress asks not to (All, AutoReply, OOF; Microsoft's [MS-OXCMAIL]).</item>
/// <item>Precedence is bulk, list, junk or auto_reply (RFC 3834 §2 names it as a sign that a response is not appropriate).</item>
/// <item>List headers are present (RFC 2369, RFC 2919; Sieve vacation does the same, RFC 5230 §4.6).</item>
/// <item>The sender is one of the team's own addresses.</item>
/// <item>The sender's local part is a robot's or a list's: <c>mailer-daemon</c>, <c>postmaster</c>, <c>noreply</c>,
/// <c>no-reply</c>, <c>donotreply</c> and similar, <c>listserv</c>, <c>majordomo</c>, <c>owner-*</c>,
/// <c>*-request</c>, <c>*-bounces</c> — addresses RFC 3834 §2 and RFC 5230 §4.6 advise responders to leave
/// alone, since nobody reads the answer or a list would relay it.</item>
/// <item>The sender got an automatic answer less than <see cref="AutoReplyInput.Window"/> ago
/// (RFC 3834 §2: do not answer the same sender again within a period).</item>
/// </list>
/// </remarks>
public static class AutoReplyPolicy
{
    /// <summary>The default window between two automatic answers to one sender.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    private static readonly string[] RobotLocalParts =
    [
        "mailer-daemon", "mailerdaemon", "postmaster", "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply",
        "do_not_reply", "listserv", "majordomo", "bounce", "bounces",
    ];

    /// <summary>Decides; see the remarks on <see cref="AutoReplyPolicy"/> for the checks and their order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is negative.</exception>
    public static AutoReplyDecision Decide(AutoReplyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Window, TimeSpan.Zero);

        var sender = input.Sender?.Trim().Trim('<', '>');
        if (string.IsNullOrEmpty(sender) || !EmailAddress.TryNormalize(sender, out var address, out _))
        {
            return No(input.Sender is null || input.Sender.Trim().Length == 0
                ? "Not answered: the message has no sender address to answer."
                : $"Not answered: the sender address '{Shown(input.Sender)}' is not a valid e-mail address.");
        }

        if (input.EnvelopeFrom is { } envelope && envelope.Trim() is "" or "<>")
        {
            return No("Not answered: the envelope sender is empty, so the message is a bounce or another delivery notification (RFC 5321 §4.5.5).");
        }

        if (input.IsDeliveryReport)
        {
            return No("Not answered: the message is a delivery or disposition report (multipart/report, RFC 6522).");
        }

        if (input.AutoSubmitted is { } autoSubmitted && !Keyword(autoSubmitted).Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            return No($"Not answered: the message is auto-submitted (Auto-Submitted: {Shown(autoSubmitted)}, RFC 3834 §5).");
        }

        if (input.XAutoResponseSuppress is { } suppress && SuppressesAutoReplies(suppress))
        {
            return No($"Not answered: the sender asked for no automatic answers (X-Auto-Response-Suppress: {Shown(suppress)}).");
        }

        if (input.Precedence is { } precedence && Keyword(precedence).ToLowerInvariant() is "bulk" or "list" or "junk" or "auto_reply")
        {
            return No($"Not answered: the message is bulk or list mail (Precedence: {Shown(precedence)}, RFC 3834 §2).");
        }

        if (input.HasListHeaders)
        {
            return No("Not answered: the message came through a mailing list (List-* headers, RFC 2369 and RFC 2919).");
        }

        if (input.OwnAddresses?.Any(a => string.Equals(a?.Trim(), address, StringComparison.OrdinalIgnoreCase)) == true)
        {
            return No($"Not answered: the sender {address} is one of our own addresses, and answering would start a loop.");
        }

        var local = address[..address.LastIndexOf('@')];
        if (IsRobot(local))
        {
            return No($"Not answered: the sender {address} is a mail system, no-reply or list address that nobody reads (RFC 3834 §2).");
        }

        if (input.LastAutoReplyToSender is { } last && input.Window > TimeSpan.Zero && input.Now - last < input.Window)
        {
            return No(string.Create(CultureInfo.InvariantCulture,
                $"Not answered: {address} already got an automatic answer at {last.UtcDateTime:yyyy-MM-dd HH:mm} UTC, less than {Hours(input.Window)} ago."));
        }

        return new AutoReplyDecision(true, input.LastAutoReplyToSender is null
            ? $"Answered: no rule forbids an automatic answer to {address}, and it is the first one."
            : string.Create(CultureInfo.InvariantCulture,
                $"Answered: no rule forbids an automatic answer to {address}, and the last one is more than {Hours(input.Window)} old."));
    }

    private static AutoReplyDecision No(string reason) => new(false, reason);

    // "auto-replied; type=vacation" → "auto-replied" (RFC 3834 §5.1 allows parameters); comments are rare enough.
    private static string Keyword(string value)
    {
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim();
    }

    // Comma-separated values ([MS-OXCMAIL]): All, OOF and AutoReply concern us; DR, NDR, RN, NRN do not.
    private static bool SuppressesAutoReplies(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(v => v.Equals("All", StringComparison.OrdinalIgnoreCase)
                || v.Equals("AutoReply", StringComparison.OrdinalIgnoreCase)
                || v.Equals("OOF", StringComparison.OrdinalIgnoreCase));

    private static bool IsRobot(string local)
    {
        var l = local.ToLowerInvariant();
        var plus = l.IndexOf('+', StringComparison.Ordinal); // "noreply+tracking@…" is still noreply (RFC 5233 subaddress)
        var bare = plus > 0 ? l[..plus] : l;
        return RobotLocalParts.Contains(bare)
            || bare.StartsWith("owner-", StringComparison.Ordinal)
            || bare.EndsWith("-request", StringComparison.Ordinal)
            || bare.EndsWith("-bounces", StringComparison.Ordinal)
            || bare.StartsWith("bounce-", StringComparison.Ordinal)
            || bare.StartsWith("bounces-", StringComparison.Ordinal);
    }

    private static string Hours(TimeSpan window)
    {
        var (count, unit) = window.TotalHours == Math.Floor(window.TotalHours)
            ? (window.TotalHours, "hour")
            : (Math.Round(window.TotalMinutes), "minute");
        return string.Create(CultureInfo.InvariantCulture, $"{count:0} {unit}{(count == 1 ? "" : "s")}");
    }

    // Header values are hostile: shown shortened, with control characters removed, so the reason stays one clean line.
    private static string Shown(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.Trim())
        {
            if (builder.Length == 80)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }
}
