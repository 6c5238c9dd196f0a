namespace Vigie.Features.Audit;

/// <summary>Marker for the audit strings (AuditText.resx, AuditText.fr.resx).</summary>
public sealed class AuditText;
