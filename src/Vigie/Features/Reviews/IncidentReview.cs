namespace Vigie.Features.Reviews;

/// <summary>Where a recommendation of a review stands.</summary>
public enum RecommendationStatus
{
    Open,
    InProgress,
    Done,
    Dropped,
}

/// <summary>
/// The post-incident review of one incident (RFC 2350 §5.2–5.3, post-incident follow-up): a
/// structured retrospective, marked complete by someone. Closing a P1 or P2 incident needs a
/// completed one (<see cref="Incidents.IncidentService.MoveAsync"/>).
/// </summary>
public sealed class IncidentReview
{
    private readonly List<ReviewRecommendation> _recommendations = [];

    private IncidentReview()
    {
    }

    internal IncidentReview(Guid incidentId, string actor, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        IncidentId = incidentId;
        CreatedBy = actor;
        CreatedAt = at;
        UpdatedBy = actor;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    /// <summary>The key dates and main turns of the incident, in the reviewers' words.</summary>
    public string? TimelineSummary { get; private set; }

    public string? RootCause { get; private set; }

    public string? WhatWorked { get; private set; }

    public string? WhatDidNotWork { get; private set; }

    public string? PreventiveMeasures { get; private set; }

    public string? Lessons { get; private set; }

    public IReadOnlyList<ReviewRecommendation> Recommendations => _recommendations;

    public DateTimeOffset? CompletedAt { get; private set; }

    public string? CompletedBy { get; private set; }

    public bool IsComplete => CompletedAt is not null;

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public string UpdatedBy { get; private set; } = "";

    public DateTimeOffset UpdatedAt { get; private set; }

    internal void SetTexts(ReviewTexts t, string actor, DateTimeOffset at)
    {
        TimelineSummary = t.TimelineSummary;
        RootCause = t.RootCause;
        WhatWorked = t.WhatWorked;
        WhatDidNotWork = t.WhatDidNotWork;
        PreventiveMeasures = t.PreventiveMeasures;
        Lessons = t.Lessons;
        UpdatedBy = actor;
        UpdatedAt = at;
    }

    /// <summary>Replaces the recommendations (the form and the API send the whole list).</summary>
    internal void SetRecommendations(IEnumerable<RecommendationInput> items, DateTimeOffset at)
    {
        _recommendations.Clear();
        var position = 0;
        foreach (var r in items)
        {
            _recommendations.Add(new ReviewRecommendation(Id, position++, r.Text, r.Owner, r.DueOn, r.Status, at));
        }
    }

    internal void Complete(string actor, DateTimeOffset at)
    {
        CompletedAt = at;
        CompletedBy = actor;
    }

    internal void Reopen()
    {
        CompletedAt = null;
        CompletedBy = null;
    }
}

/// <summary>One recommendation of a review: what to do, who owns it, by when, where it stands.</summary>
public sealed class ReviewRecommendation
{
    private ReviewRecommendation()
    {
    }

    internal ReviewRecommendation(Guid reviewId, int position, string text, string? owner, DateOnly? dueOn, RecommendationStatus status, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        ReviewId = reviewId;
        Position = position;
        Text = text;
        Owner = owner;
        DueOn = dueOn;
        Status = status;
    }

    public Guid Id { get; private set; }

    public Guid ReviewId { get; private set; }

    public int Position { get; private set; }

    public string Text { get; private set; } = "";

    public string? Owner { get; private set; }

    public DateOnly? DueOn { get; private set; }

    public RecommendationStatus Status { get; private set; }
}

/// <summary>The free texts of a review, trimmed (blank = null).</summary>
public sealed record ReviewTexts(string? TimelineSummary, string? RootCause, string? WhatWorked, string? WhatDidNotWork,
    string? PreventiveMeasures, string? Lessons);

/// <summary>A recommendation as a form or the API sends it, already parsed.</summary>
public sealed record RecommendationInput(string Text, string? Owner, DateOnly? DueOn, RecommendationStatus Status);
