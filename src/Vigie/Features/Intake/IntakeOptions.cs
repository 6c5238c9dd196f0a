namespace Vigie.Features.Intake;

/// <summary>How inbound reports are read (section <c>Vigie:Intake</c>; docs/intake.md).</summary>
public sealed class IntakeOptions
{
    public const string Section = "Vigie:Intake";

    /// <summary>Reports read at once by this node's worker (each on its own database scope).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>A report claimed longer ago than this by a node that never finished (a crash) is read again.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Observables recorded per report at most; beyond, the report is flagged.</summary>
    public int MaxObservablesPerReport { get; set; } = 10_000;

    /// <summary>Whether the background worker runs in <c>serve</c> (turn off on nodes that only take mail in).</summary>
    public bool WorkerEnabled { get; set; } = true;
}
