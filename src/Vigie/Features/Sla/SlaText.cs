namespace Vigie.Features.Sla;

/// <summary>Marker for the SLA strings (SlaText.resx, SlaText.fr.resx).</summary>
public sealed class SlaText;
