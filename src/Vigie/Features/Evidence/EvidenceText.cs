namespace Vigie.Features.Evidence;

/// <summary>Marker for the evidence tab's strings (EvidenceText.resx, EvidenceText.fr.resx).</summary>
public sealed class EvidenceText;
