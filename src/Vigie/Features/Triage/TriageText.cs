namespace Vigie.Features.Triage;

/// <summary>Strings of the triage queue, the report page and the new-incident form (TriageText.resx, TriageText.fr.resx).</summary>
public sealed class TriageText;
