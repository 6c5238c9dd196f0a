using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Data;

namespace Vigie.Features.Reviews;

public sealed record RecommendationRequest(string? Text, string? Owner, string? DueOn, string? Status);

/// <summary>
/// The whole review as the API and the tab send it. Texts replace the stored ones (null or blank
/// clears); <see cref="Complete"/> true marks the review complete, false reopens it, null leaves it.
/// </summary>
public sealed record ReviewRequest(string? TimelineSummary, string? RootCause, string? WhatWorked, string? WhatDidNotWork,
    string? PreventiveMeasures, string? Lessons, RecommendationRequest[]? Recommendations, bool? Complete);

/// <summary>Saves post-incident reviews; every save is one <see cref="TimelineKind.ReviewUpdated"/> entry.</summary>
public sealed class ReviewService(VigieDb db, TimeProvider time)
{
    public const int MaxTextLength = 20_000;
    public const int MaxRecommendationLength = 2_000;
    public const int MaxRecommendations = 50;

    public Task<IncidentReview?> FindAsync(Guid incidentId, CancellationToken ct) =>
        db.IncidentReviews.Include(r => r.Recommendations).FirstOrDefaultAsync(r => r.IncidentId == incidentId, ct);

    /// <summary>True when the incident's review is marked complete (the closing rule of P1/P2 incidents).</summary>
    public Task<bool> IsCompleteAsync(Guid incidentId, CancellationToken ct) =>
        db.IncidentReviews.AnyAsync(r => r.IncidentId == incidentId && r.CompletedAt != null, ct);

    public async Task<Result<IncidentReview>> SaveAsync(Incident incident, ReviewRequest request, string actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var texts = new ReviewTexts(
            Text(request.TimelineSummary, "timelineSummary", errors),
            Text(request.RootCause, "rootCause", errors),
            Text(request.WhatWorked, "whatWorked", errors),
            Text(request.WhatDidNotWork, "whatDidNotWork", errors),
            Text(request.PreventiveMeasures, "preventiveMeasures", errors),
            Text(request.Lessons, "lessons", errors));
        var recommendations = Recommendations(request.Recommendations ?? [], errors);
        var review = await FindAsync(incident.Id, ct);
        var complete = request.Complete ?? review?.IsComplete ?? false;
        if (complete)
        {
            // A review that names no cause and draws no lesson is not a review (RFC 2350 §5.3).
            if (texts.RootCause is null)
            {
                errors.Add("rootCause", "A review can be marked complete only once its root cause is written.");
            }
            if (texts.Lessons is null)
            {
                errors.Add("lessons", "A review can be marked complete only once its lessons are written.");
            }
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var now = await Evidence.TimelineInstants.NextAsync(db, time, incident.Id, ct);
        if (review is null)
        {
            review = new IncidentReview(incident.Id, actor, now);
            db.IncidentReviews.Add(review);
        }
        var wasComplete = review.IsComplete;
        review.SetTexts(texts, actor, now);
        review.SetRecommendations(recommendations, now);
        var action = "saved";
        if (complete && !wasComplete)
        {
            review.Complete(actor, now);
            action = "completed";
        }
        else if (!complete && wasComplete)
        {
            review.Reopen();
            action = "reopened";
        }
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.ReviewUpdated, actor, now, new Dictionary<string, string?>
        {
            ["action"] = action,
            ["complete"] = review.IsComplete ? "true" : "false",
            ["recommendations"] = recommendations.Count.ToString(CultureInfo.InvariantCulture),
        }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<IncidentReview>().Any(e => e.State == EntityState.Added))
        {
            // Two first saves at once: the unique index on the incident kept one.
            return Error.Conflict("review-conflict", "Someone else saved this review at the same moment; reload it and save again.");
        }
        return review;
    }

    private static string? Text(string? value, string field, FieldErrors errors)
    {
        var t = string.IsNullOrWhiteSpace(value) ? null : value.Trim().ReplaceLineEndings("\n");
        if (t is { Length: > MaxTextLength })
        {
            errors.Add(field, $"The text is longer than {MaxTextLength:N0} characters.");
        }
        return t;
    }

    private static List<RecommendationInput> Recommendations(IReadOnlyList<RecommendationRequest> items, FieldErrors errors)
    {
        var result = new List<RecommendationInput>();
        for (var i = 0; i < items.Count; i++)
        {
            var r = items[i];
            var field = $"recommendations[{i}]";
            var text = string.IsNullOrWhiteSpace(r.Text) ? null : r.Text.Trim();
            var owner = string.IsNullOrWhiteSpace(r.Owner) ? null : r.Owner.Trim();
            var due = string.IsNullOrWhiteSpace(r.DueOn) ? null : r.DueOn.Trim();
            if (text is null)
            {
                // The form always shows a few empty rows: an entirely empty row is no recommendation.
                if (owner is not null || due is not null)
                {
                    errors.Add(field + ".text", $"Recommendation {i + 1} has an owner or a due date but no text.");
                }
                continue;
            }
            if (text.Length > MaxRecommendationLength)
            {
                errors.Add(field + ".text", $"Recommendation {i + 1} is longer than {MaxRecommendationLength:N0} characters.");
            }
            if (owner is { Length: > 254 })
            {
                errors.Add(field + ".owner", $"The owner of recommendation {i + 1} is longer than 254 characters.");
            }
            DateOnly? dueOn = null;
            if (due is not null)
            {
                if (DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    dueOn = d;
                }
                else
                {
                    errors.Add(field + ".dueOn", $"The due date of recommendation {i + 1} must be a date like 2026-04-30.");
                }
            }
            if (!TryParseStatus(r.Status, out var status))
            {
                errors.Add(field + ".status", $"'{r.Status}' is not a recommendation status. Allowed values: open, inProgress, done, dropped.");
            }
            result.Add(new RecommendationInput(text, owner, dueOn, status));
        }
        if (result.Count > MaxRecommendations)
        {
            errors.Add("recommendations", $"A review holds at most {MaxRecommendations} recommendations.");
        }
        return result;
    }

    /// <summary>open, inProgress (or in-progress), done, dropped; blank is open.</summary>
    public static bool TryParseStatus(string? text, out RecommendationStatus status)
    {
        status = RecommendationStatus.Open;
        return string.IsNullOrWhiteSpace(text) || EnumWords.TryParse(text.Replace("-", "", StringComparison.Ordinal), out status);
    }
}

/// <summary>The key dates of an incident, read from its timeline (for the review's summary and the closure report).</summary>
public sealed record KeyDates(DateTimeOffset Created, DateTimeOffset? FirstResponse, DateTimeOffset? Contained, DateTimeOffset? Resolved,
    DateTimeOffset? Closed)
{
    private static readonly TimelineKind[] ResponseKinds =
        [TimelineKind.Qualified, TimelineKind.StateChanged, TimelineKind.MessageSent, TimelineKind.TaskAdded, TimelineKind.Note];

    /// <summary>
    /// First response: the first qualification, state move, message, task or note after the creation.
    /// Contained and resolved: the first move into that state. Closed: the last move into closed, if
    /// the incident is closed now.
    /// </summary>
    public static KeyDates From(Incident incident, IEnumerable<TimelineEvent> timeline)
    {
        var events = timeline.OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
        DateTimeOffset? FirstMoveTo(string state) =>
            events.FirstOrDefault(e => e.Kind == TimelineKind.StateChanged && e.ReadData().GetValueOrDefault("to") == state)?.At;
        return new KeyDates(
            incident.CreatedAt,
            events.FirstOrDefault(e => ResponseKinds.Contains(e.Kind))?.At,
            FirstMoveTo("contained"),
            FirstMoveTo("resolved"),
            incident.State == IncidentState.Closed
                ? events.LastOrDefault(e => e.Kind == TimelineKind.StateChanged && e.ReadData().GetValueOrDefault("to") == "closed")?.At
                : null);
    }
}
