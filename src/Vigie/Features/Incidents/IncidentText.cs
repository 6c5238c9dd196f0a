using Microsoft.Extensions.Localization;
using Vigie.Core.Incidents;

namespace Vigie.Features.Incidents;

/// <summary>Marker for the incident pages' strings (IncidentText.resx, IncidentText.fr.resx).</summary>
public sealed class IncidentText;

/// <summary>Timeline kinds in the reader's language ("Timeline.stateChanged" …).</summary>
public static class TimelineWords
{
    public static string Describe(TimelineKind kind, IStringLocalizer<IncidentText> text) =>
        text["Timeline." + Core.EnumWords.ToWord(kind)];
}
