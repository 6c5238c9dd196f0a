using Vigie.Core.Incidents;
using Vigie.Core.Taxonomy;

namespace Vigie.Core.Playbooks;

/// <summary>One step of a playbook as written by the team: a task title in French and English, its phase and when it is due.</summary>
/// <param name="TitleFr">The title in French (one of the two may be empty; the other is used then).</param>
/// <param name="TitleEn">The title in English.</param>
/// <param name="Kind">The incident-response phase of the task.</param>
/// <param name="DueOffsetHours">Hours after the playbook is applied when the task is due; null: no due date.</param>
public sealed record PlaybookStepInput(string? TitleFr, string? TitleEn, TaskKind Kind, int? DueOffsetHours);

/// <summary>
/// A task template for one kind of incident (an RSIT class, optionally one of its types): the steps an
/// analyst would otherwise type again for every phishing or DDoS case. Applying it to an incident
/// creates one task per step, due so many hours after it is applied.
/// </summary>
public sealed class Playbook
{
    public const int MaxSteps = 50;
    public const int MaxNameLength = 200;
    public const int MaxTitleLength = 300;

    /// <summary>A year: a step due later than that is not a step of incident response.</summary>
    public const int MaxDueOffsetHours = 24 * 366;

    private readonly List<PlaybookStep> _steps = [];

    private Playbook()
    {
    }

    public Guid Id { get; private set; }

    public string NameFr { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    /// <summary>RSIT class the playbook is for (machinetag predicate), or null for any incident.</summary>
    public string? RsitClass { get; private set; }

    /// <summary>RSIT type within <see cref="RsitClass"/>, or null for the whole class.</summary>
    public string? RsitType { get; private set; }

    public string UpdatedBy { get; private set; } = "";

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<PlaybookStep> Steps => _steps;

    /// <summary>The name in <paramref name="language"/> (fr or en), or the other one when that is empty.</summary>
    public string Name(string language) => Pick(language, NameFr, NameEn);

    public static Result<Playbook> Create(string? nameFr, string? nameEn, string? rsitClass, string? rsitType,
        IReadOnlyList<PlaybookStepInput> steps, string actor, DateTimeOffset now)
    {
        var playbook = new Playbook { Id = Guid.CreateVersion7(now) };
        if (playbook.Update(nameFr, nameEn, rsitClass, rsitType, steps, actor, now) is { } error)
        {
            return error;
        }
        return playbook;
    }

    /// <summary>Replaces the names, the RSIT type and every step (the editor sends the whole playbook).</summary>
    public Error? Update(string? nameFr, string? nameEn, string? rsitClass, string? rsitType,
        IReadOnlyList<PlaybookStepInput> steps, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var errors = new FieldErrors();
        var fr = nameFr?.Trim() ?? "";
        var en = nameEn?.Trim() ?? "";
        if (fr.Length == 0 && en.Length == 0)
        {
            errors.Add("name", "A playbook needs a name in French or English.");
        }
        if (fr.Length > MaxNameLength || en.Length > MaxNameLength)
        {
            errors.Add("name", $"A playbook name is at most {MaxNameLength} characters.");
        }
        var cls = string.IsNullOrWhiteSpace(rsitClass) ? null : rsitClass.Trim();
        var type = string.IsNullOrWhiteSpace(rsitType) ? null : rsitType.Trim();
        if (cls is null && type is not null)
        {
            errors.Add("rsitType", "An RSIT type needs its class.");
        }
        else if (cls is not null)
        {
            errors.Add(RsitTaxonomy.Default.Validate(cls, type));
        }
        if (steps.Count == 0)
        {
            errors.Add("steps", "A playbook needs at least one step.");
        }
        if (steps.Count > MaxSteps)
        {
            errors.Add("steps", $"A playbook has at most {MaxSteps} steps.");
        }
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var tfr = s.TitleFr?.Trim() ?? "";
            var ten = s.TitleEn?.Trim() ?? "";
            if (tfr.Length == 0 && ten.Length == 0)
            {
                errors.Add($"steps[{i}].title", $"Step {i + 1} needs a title in French or English.");
            }
            if (tfr.Length > MaxTitleLength || ten.Length > MaxTitleLength)
            {
                errors.Add($"steps[{i}].title", $"The title of step {i + 1} is longer than {MaxTitleLength} characters.");
            }
            if (!Enum.IsDefined(s.Kind))
            {
                errors.Add($"steps[{i}].kind", $"Step {i + 1} has no valid kind (containment, eradication, recovery, coordination, other).");
            }
            if (s.DueOffsetHours is < 0 or > MaxDueOffsetHours)
            {
                errors.Add($"steps[{i}].dueOffsetHours", $"The due offset of step {i + 1} must be between 0 and {MaxDueOffsetHours} hours.");
            }
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }

        NameFr = fr;
        NameEn = en;
        RsitClass = cls;
        RsitType = type;
        UpdatedBy = actor;
        UpdatedAt = now.ToUniversalTime();
        _steps.Clear();
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            _steps.Add(new PlaybookStep(Id, i + 1, s.TitleFr?.Trim() ?? "", s.TitleEn?.Trim() ?? "", s.Kind, s.DueOffsetHours));
        }
        return null;
    }

    /// <summary>Whether the playbook fits an incident of this RSIT class and type (a class-wide one fits every type).</summary>
    public bool Fits(string? rsitClass, string? rsitType) =>
        RsitClass is not null && RsitClass == rsitClass && (RsitType is null || RsitType == rsitType);

    internal static string Pick(string language, string fr, string en) =>
        language.StartsWith("fr", StringComparison.OrdinalIgnoreCase)
            ? (fr.Length > 0 ? fr : en)
            : (en.Length > 0 ? en : fr);
}

/// <summary>One step of a <see cref="Playbook"/>.</summary>
public sealed class PlaybookStep
{
    private PlaybookStep()
    {
    }

    internal PlaybookStep(Guid playbookId, int position, string titleFr, string titleEn, TaskKind kind, int? dueOffsetHours)
    {
        Id = Guid.CreateVersion7();
        PlaybookId = playbookId;
        Position = position;
        TitleFr = titleFr;
        TitleEn = titleEn;
        Kind = kind;
        DueOffsetHours = dueOffsetHours;
    }

    public Guid Id { get; private set; }

    public Guid PlaybookId { get; private set; }

    /// <summary>1-based order within the playbook.</summary>
    public int Position { get; private set; }

    public string TitleFr { get; private set; } = "";

    public string TitleEn { get; private set; } = "";

    public TaskKind Kind { get; private set; }

    public int? DueOffsetHours { get; private set; }

    /// <summary>The title in <paramref name="language"/>, or the other one when that is empty.</summary>
    public string Title(string language) => Playbook.Pick(language, TitleFr, TitleEn);

    /// <summary>When the task made from this step is due, for a playbook applied at <paramref name="appliedAt"/>.</summary>
    public DateTimeOffset? DueFrom(DateTimeOffset appliedAt) =>
        DueOffsetHours is { } h ? appliedAt.ToUniversalTime().AddHours(h) : null;
}
