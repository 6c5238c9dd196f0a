using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Localization;
using MimeKit;
using Vigie.Core.Incidents;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary>
/// A contact-form submission written as the mail a reporter would have sent to the incident address, so
/// that intake reads and answers it exactly like one (docs/contact-form.md): From the reporter, To the
/// incident address, the reporter's subject, one text/plain UTF-8 part with labelled sections in the
/// reporter's language, the TLP label where intake's detection reads it (<see cref="Core.Reports.IncidentDrafts.FindTlp"/>),
/// Content-Language for the answer's language, and headers naming the form and the client address.
/// </summary>
public static class ContactMessage
{
    /// <summary>Names the form that made the message (its path).</summary>
    public const string FormHeader = "X-Vigie-Form";

    /// <summary>The client address that posted the form (as the web server saw it).</summary>
    public const string ClientHeader = "X-Vigie-Client-Address";

    public static MimeMessage Build(ContactReport report, TeamProfileOptions team, string incidentAddress, IPAddress? client,
        string formUrl, DateTimeOffset now, TimeZoneInfo zone, IStringLocalizer<ContactText> l)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(l);

        var message = new MimeMessage();
        // The values were checked for line breaks and control characters; MimeKit encodes what is not ASCII (RFC 2047).
        message.From.Add(new MailboxAddress(report.Name ?? "", report.Email));
        message.To.Add(new MailboxAddress(team.Name, incidentAddress));
        message.Subject = report.Subject;
        message.Date = TimeZoneInfo.ConvertTime(now, zone);
        var domain = incidentAddress[(incidentAddress.LastIndexOf('@') + 1)..];
        message.MessageId = $"contact.{Guid.CreateVersion7(now):N}@{domain}";
        message.Headers.Add(FormHeader, formUrl);
        message.Headers.Add(ClientHeader, client?.ToString() ?? "unknown");

        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(Encoding.UTF8, InLanguage(report.Language, () => Text(report, team, formUrl, zone, l)));
        body.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        // RFC 3282: the language intake reads to answer in it first.
        body.Headers.Add(HeaderId.ContentLanguage, report.Language);
        message.Body = body;
        return message;
    }

    /// <summary>Runs <paramref name="render"/> with the UI culture of <paramref name="language"/>, so the localizer answers in it.</summary>
    public static T InLanguage<T>(string language, Func<T> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        try
        {
            return render();
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    private static string Text(ContactReport r, TeamProfileOptions team, string formUrl, TimeZoneInfo zone, IStringLocalizer<ContactText> l)
    {
        var b = new StringBuilder();
        if (r.Tlp is { } tlp)
        {
            // First line, canonical spelling: what IncidentDrafts.FindTlp reads and what a person sees first.
            b.Append(tlp.ToLabel()).Append("\n\n");
        }
        b.Append(l["Mail.Intro", team.Name, formUrl].Value).Append("\n\n");

        Section(b, l["Mail.Reporter"]);
        Line(b, l, l["Field.Name"], r.Name);
        Line(b, l, l["Field.Organisation"], r.Organisation);
        Line(b, l, l["Field.Email"], r.Email);
        Line(b, l, l["Field.Phone"], r.Phone);
        Line(b, l, l["Field.Language"], l["Language." + r.Language]);
        b.Append('\n');

        Section(b, l["Mail.Incident"]);
        var kind = r.Kind == ContactFormReader.OtherKind
            ? l["Kind.Other"].Value
            : team.IncidentTypes.Items.FirstOrDefault(i => i.Key == r.Kind) is { } type
                ? $"{team.Localize(type.Name, r.Language).TrimEnd('.')} ({type.Key})"
                : r.Kind;
        Line(b, l, l["Field.Kind"], kind);
        if (r.StartedAt is { } started)
        {
            Line(b, l, l["Field.StartedAt"], string.Create(CultureInfo.InvariantCulture,
                $"{started:yyyy-MM-dd HH:mm} ({zone.Id}, UTC{started:zzz}) = {started.UtcDateTime:yyyy-MM-dd HH:mm} UTC"));
        }
        Line(b, l, l["Field.Tlp"], r.Tlp?.ToLabel() ?? l["Tlp.None"]);
        b.Append('\n');

        Block(b, l["Field.Systems"], r.Systems);
        Block(b, l["Field.Description"], r.Description);
        Block(b, l["Field.Evidence"], r.Evidence);
        Block(b, l["Field.Actions"], r.Actions);
        return b.ToString().TrimEnd() + "\n";
    }

    private static void Section(StringBuilder b, string title) => b.Append("== ").Append(title).Append(" ==\n");

    // "Nom : …" in French, "Name: …" in English.
    private static void Line(StringBuilder b, IStringLocalizer<ContactText> l, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            b.Append(l["Mail.Line", label, value].Value).Append('\n');
        }
    }

    private static void Block(StringBuilder b, string title, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Section(b, title);
            b.Append(text).Append("\n\n");
        }
    }
}
