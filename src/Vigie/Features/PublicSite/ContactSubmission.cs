using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Features.Reports;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

public enum ContactOutcomeKind
{
    /// <summary>Stored (or, for a robot that filled the honeypot, made to look so).</summary>
    Accepted,

    /// <summary>Refused: <see cref="ContactOutcome.Error"/> names the fields.</summary>
    Invalid,

    /// <summary>Refused: too many submissions from this client address.</summary>
    LimitedByClient,

    /// <summary>Refused: too many reports from this e-mail address.</summary>
    LimitedByAddress,

    /// <summary>The form is turned off (<c>Vigie:PublicSite:ContactForm:Enabled</c>).</summary>
    Closed,
}

/// <summary>What became of one submission.</summary>
/// <param name="Kind">Accepted, or why not.</param>
/// <param name="Reference">The report's id, which the reporter can quote (a made-up one for a robot).</param>
/// <param name="Error">The faulty fields, when <see cref="ContactOutcomeKind.Invalid"/>.</param>
/// <param name="RetryAfter">When a refused client or address may try again.</param>
public sealed record ContactOutcome(ContactOutcomeKind Kind, Guid? Reference = null, Error? Error = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Takes one contact-form submission through the abuse bounds (client limit, honeypot, field checks,
/// address limit) and into the intake pipeline like a mail: <see cref="ReportIntake.AcceptAsync"/>
/// returns once the message is durable, and the intake worker reads and answers it afterwards.
/// </summary>
public sealed partial class ContactSubmission(
    ReportIntake intake,
    VigieDb db,
    ContactLimiter limiter,
    TeamAddresses addresses,
    IOptions<ContactFormOptions> options,
    IOptions<TeamProfileOptions> team,
    IStringLocalizer<ContactText> l,
    TimeProvider time,
    ILogger<ContactSubmission> logger)
{
    /// <summary>The prefix of <see cref="Report.SubmittedBy"/> for form reports, followed by the normalised address.</summary>
    public const string SubmittedByPrefix = "form:";

    // Mail on the wire has CRLF line ends (RFC 5322 §2.1), whatever the platform.
    private static readonly MimeKit.FormatOptions s_crlf = new() { NewLineFormat = MimeKit.NewLineFormat.Dos };

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(team.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;

    public ContactFormReader Reader() =>
        new(options.Value, l, _zone, [.. team.Value.IncidentTypes.Items.Select(i => i.Key)]);

    public async Task<ContactOutcome> SubmitAsync(ContactForm form, IPAddress? client, string formUrl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        var o = options.Value;
        if (!o.Enabled)
        {
            return new ContactOutcome(ContactOutcomeKind.Closed);
        }
        // Every post counts, refused ones too: a robot that only sends junk is limited as well.
        if (!limiter.TryTake(client, out var retry))
        {
            LogLimitedByClient(ContactLimiter.PartitionKey(client));
            return new ContactOutcome(ContactOutcomeKind.LimitedByClient, RetryAfter: retry ?? o.PerIpWindow);
        }
        var now = time.GetUtcNow();
        if (!string.IsNullOrEmpty(form.Website))
        {
            // A robot: it sees the usual confirmation (so it learns nothing), nothing is stored, and the
            // log says so without repeating what it posted.
            LogHoneypot(ContactLimiter.PartitionKey(client));
            return new ContactOutcome(ContactOutcomeKind.Accepted, Guid.CreateVersion7(now));
        }

        var (report, error) = Reader().Read(form, now);
        if (report is null)
        {
            return new ContactOutcome(ContactOutcomeKind.Invalid, Error: error);
        }

        // Counted from the reports themselves, so that it holds across nodes; the range on received_at uses its index.
        var submittedBy = SubmittedByPrefix + report.Email;
        var since = now - o.PerAddressWindow;
        var recent = await db.Reports.AsNoTracking()
            .Where(r => r.ReceivedAt >= since && r.Source == ReportSource.WebForm && r.SubmittedBy == submittedBy)
            .Select(r => r.ReceivedAt).OrderBy(r => r).Take(o.PerAddressLimit).ToListAsync(ct);
        if (recent.Count >= o.PerAddressLimit)
        {
            LogLimitedByAddress(o.PerAddressLimit);
            var wait = recent[0] + o.PerAddressWindow - now;
            return new ContactOutcome(ContactOutcomeKind.LimitedByAddress, RetryAfter: wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1));
        }

        var incident = addresses.Incident ?? team.Value.IncidentEmail.Trim();
        var message = ContactMessage.Build(report, team.Value, incident, client, formUrl, now, _zone, l);
        using var raw = new MemoryStream();
        await message.WriteToAsync(s_crlf, raw, ct);
        raw.Position = 0;
        var (stored, _) = await intake.AcceptAsync(raw, ReportSource.WebForm, submittedBy, incident, ct);
        LogAccepted(stored.Id, ContactLimiter.PartitionKey(client));
        return new ContactOutcome(ContactOutcomeKind.Accepted, stored.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact form: report {ReportId} stored (client {Client}).")]
    private partial void LogAccepted(Guid reportId, string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact form: the honeypot field was filled (client {Client}); the submission was dropped, nothing stored.")]
    private partial void LogHoneypot(string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact form: client {Client} is over its submission limit; refused.")]
    private partial void LogLimitedByClient(string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact form: an e-mail address reached its limit of {Limit} reports; refused.")]
    private partial void LogLimitedByAddress(int limit);
}
