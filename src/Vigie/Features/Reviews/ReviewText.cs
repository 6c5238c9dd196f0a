using System.Globalization;
using System.Resources;
using Vigie.Core;
using Vigie.Core.Incidents;

namespace Vigie.Features.Reviews;

/// <summary>Marker for the review tab's and the closure report's strings (ReviewText.resx, ReviewText.fr.resx).</summary>
public sealed class ReviewText;

/// <summary>
/// The closure report's words in the report's own language, whatever the reader's UI language:
/// the same resources as the workspace, looked up with an explicit culture.
/// </summary>
public sealed class ReportWords(CultureInfo culture)
{
    private static readonly ResourceManager Review = new(typeof(ReviewText).FullName!, typeof(ReviewText).Assembly);
    private static readonly ResourceManager Shared = new(typeof(Web.Ui).FullName!, typeof(ReviewText).Assembly);
    private static readonly ResourceManager Incident = new(typeof(Incidents.IncidentText).FullName!, typeof(ReviewText).Assembly);

    public CultureInfo Culture { get; } = culture;

    public string Language => Culture.TwoLetterISOLanguageName;

    /// <summary>A ReviewText string ("Report.Title" …).</summary>
    public string this[string key] => Review.GetString(key, Culture) ?? key;

    public string Format(string key, params object?[] args) => string.Format(Culture, this[key], args);

    /// <summary>A shared workspace word ("State.closed", "Level.high" …).</summary>
    public string Ui(string key) => Shared.GetString(key, Culture) ?? key;

    public string State(IncidentState state) => Ui("State." + state.ToWire());

    public string Level<T>(T level) where T : struct, Enum => Ui("Level." + EnumWords.ToWord(level));

    public string Timeline(TimelineKind kind) => Incident.GetString("Timeline." + EnumWords.ToWord(kind), Culture) ?? kind.ToString();

    public string Status(RecommendationStatus status) => this["Status." + EnumWords.ToWord(status)];

    public static CultureInfo? CultureOf(string? language) => language?.Trim().ToLowerInvariant() switch
    {
        "fr" => CultureInfo.GetCultureInfo("fr"),
        "en" => CultureInfo.GetCultureInfo("en"),
        _ => null,
    };
}
