namespace Vigie.Features.Retention;

/// <summary>Marker for the retention strings (RetentionText.resx, RetentionText.fr.resx).</summary>
public sealed class RetentionText;
