using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core.Incidents;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Evidence;
using Vigie.Features.Reports;
using Vigie.Features.Reviews.Pages;
using Vigie.Features.TeamProfile;
using Vigie.Web;

namespace Vigie.Features.Reviews;

public sealed record ReportEvent(DateTimeOffset At, string Actor, TimelineKind Kind, string? Details, string? Reason);

public sealed record ReportTask(string Title, TaskKind Kind, Core.Incidents.TaskStatus Status, string? Owner, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt);

public sealed record ReportObservable(string Kind, string Value, string? Note);

public sealed record ReportEvidence(string FileName, long Size, string Sha256, string? Description, string AddedBy, DateTimeOffset AddedAt);

public sealed record ReportRecommendation(string Text, string? Owner, DateOnly? DueOn, RecommendationStatus Status);

public sealed record ReportReview(string? TimelineSummary, string? RootCause, string? WhatWorked, string? WhatDidNotWork,
    string? PreventiveMeasures, string? Lessons, IReadOnlyList<ReportRecommendation> Recommendations, DateTimeOffset? CompletedAt, string? CompletedBy);

/// <summary>
/// Everything a closure report shows, already redacted when asked: one model for the HTML page
/// and the PDF, so both say the same thing.
/// </summary>
public sealed record ClosureReport(
    string TeamName, string Number, string Title, string? Constituent, Tlp Tlp, Pap Pap, Priority Priority, Severity Severity,
    Impact Impact, string? Rsit, IncidentState State, string? Assignee, KeyDates Dates, string? Description,
    IReadOnlyList<ReportEvent> Timeline, int TimelineOmitted, IReadOnlyList<ReportTask> Tasks, IReadOnlyList<ReportObservable> Observables,
    IReadOnlyList<ReportEvidence> Evidence, ReportReview? Review, bool Redacted, DateTimeOffset GeneratedAt, string GeneratedBy);

/// <summary>Builds, renders (HTML) and records closure reports (RFC 2350 §5.3: documentation of the incident).</summary>
public sealed class ClosureReportService(VigieDb db, EvidenceService evidence, IOptions<TeamProfileOptions> team, TimeProvider time,
    TeamTime clock, IServiceProvider services, ILoggerFactory loggers)
{
    public const int MaxTimelineEvents = 400;

    // What a reader of the report needs; reads of evidence and earlier exports are in the custody log.
    private static readonly TimelineKind[] Omitted = [TimelineKind.EvidenceAccessed, TimelineKind.Exported];

    public async Task<ClosureReport> BuildAsync(Incident incident, ReportWords words, bool redact, string actor, CancellationToken ct)
    {
        var terms = redact ? await ReporterIdentities.ForIncidentAsync(db, incident.Id, ct) : [];
        string? R(string? text) => text is null || terms.Count == 0 ? text : PersonalData.Redact(text, terms);

        var constituent = incident.ConstituentId is { } cid
            ? await db.Constituents.AsNoTracking().Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(ct) : null;
        var assignee = incident.Assignee is { } a
            ? await db.Users.AsNoTracking().Where(u => u.Email == a).Select(u => u.FullName).FirstOrDefaultAsync(ct) ?? a : null;
        var allEvents = await db.TimelineEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var main = allEvents.Where(e => !Omitted.Contains(e.Kind)).ToList();
        var events = main.Take(MaxTimelineEvents).Select(e => new ReportEvent(e.At, e.Actor, e.Kind, R(Details(e, words)), R(e.Reason))).ToList();
        var tasks = await db.IncidentTasks.AsNoTracking().Where(t => t.IncidentId == incident.Id).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var observables = await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id).OrderBy(o => o.AddedAt).ToListAsync(ct);
        var items = await evidence.ListAsync(incident.Id, ct);
        var review = await db.IncidentReviews.AsNoTracking().Include(r => r.Recommendations)
            .FirstOrDefaultAsync(r => r.IncidentId == incident.Id, ct);

        return new ClosureReport(
            team.Value.Name, incident.Number, R(incident.Title)!, constituent, incident.Tlp, incident.Pap, incident.Priority,
            incident.Severity, incident.Impact, Incidents.Pages.IncidentPage.RsitLabel(incident.RsitClass, incident.RsitType), incident.State, assignee,
            KeyDates.From(incident, allEvents), R(incident.Description), events, main.Count - events.Count,
            [.. tasks.Select(t => new ReportTask(R(t.Title)!, t.Kind, t.Status, R(t.Owner), t.DueAt, t.CompletedAt))],
            [.. observables.Select(o => new ReportObservable(o.Kind.ToString().ToLowerInvariant(), R(o.Value)!, R(o.Note)))],
            [.. items.Select(x => new ReportEvidence(R(x.Item.FileName)!, x.Item.Size, x.Item.Sha256, R(x.Item.Description), x.Item.AddedBy, x.Item.AddedAt))],
            review is null ? null : new ReportReview(R(review.TimelineSummary), R(review.RootCause), R(review.WhatWorked), R(review.WhatDidNotWork),
                R(review.PreventiveMeasures), R(review.Lessons),
                [.. review.Recommendations.OrderBy(x => x.Position).Select(x => new ReportRecommendation(R(x.Text)!, R(x.Owner), x.DueOn, x.Status))],
                review.CompletedAt, review.CompletedBy),
            redact, time.GetUtcNow(), actor);
    }

    /// <summary>The report as one self-contained HTML document (inline CSS, no script, nothing remote).</summary>
    public async Task<string> RenderHtmlAsync(ClosureReport report, CultureInfo culture, bool forScreen)
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<ClosureReportDocument>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(ClosureReportDocument.Report)] = report,
                [nameof(ClosureReportDocument.Words)] = new ReportWords(culture),
                [nameof(ClosureReportDocument.Clock)] = clock,
                [nameof(ClosureReportDocument.ForScreen)] = forScreen,
            }));
            return output.ToHtmlString();
        });
    }

    /// <summary>
    /// Records an export on the timeline (format, language, redacted) and in the custody log of each
    /// evidence item it lists, in one SaveChanges.
    /// </summary>
    public async Task RecordExportAsync(Incident incident, string format, string language, bool redacted, string actor, IPAddress? client,
        CancellationToken ct)
    {
        var now = await TimelineInstants.NextAsync(db, time, incident.Id, ct);
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.Exported, actor, now, new Dictionary<string, string?>
        {
            ["document"] = "closure-report",
            ["format"] = format,
            ["language"] = language,
            ["redacted"] = redacted ? "true" : "false",
        }));
        var items = await db.EvidenceItems.AsNoTracking().Where(e => e.IncidentId == incident.Id).ToListAsync(ct);
        evidence.RecordExport(items, $"closure report, {format}, {language}{(redacted ? ", redacted" : "")}", actor, client, now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The facts of an event worth printing: state moves and qualification changes in full, others briefly.</summary>
    private static string? Details(TimelineEvent e, ReportWords words)
    {
        var data = e.ReadData();
        // The creation's facts (number, title, first qualification) head the report already.
        if (data.Count == 0 || e.Kind == TimelineKind.Created)
        {
            return null;
        }
        string State(string? wire) => IncidentStateMachine.TryParse(wire, out var s) ? words.State(s) : wire ?? "—";
        if (e.Kind == TimelineKind.StateChanged)
        {
            return $"{State(data.GetValueOrDefault("from"))} → {State(data.GetValueOrDefault("to"))}";
        }
        var pairs = new List<string>();
        foreach (var (key, value) in data)
        {
            if (key.EndsWith(".from", StringComparison.Ordinal))
            {
                pairs.Add($"{key[..^5]}: {value ?? "—"} → {data.GetValueOrDefault(key[..^5] + ".to") ?? "—"}");
            }
            else if (key.EndsWith(".to", StringComparison.Ordinal) && data.ContainsKey(key[..^3] + ".from"))
            {
                continue;
            }
            else if (value is not null && !Guid.TryParse(value, out _) && key != "sha256")
            {
                pairs.Add($"{key}: {(value.Length > 160 ? value[..160] + "…" : value)}");
            }
        }
        return pairs.Count == 0 ? null : string.Join(" · ", pairs);
    }
}
