namespace Vigie.Features.Evidence;

/// <summary>Evidence files (<c>Vigie:Evidence</c> section; docs/evidence-and-review.md).</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Vigie:Evidence";

    /// <summary>The largest evidence file accepted, in bytes. Default 100 MiB.</summary>
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;
}
