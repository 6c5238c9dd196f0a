namespace Vigie.Core.Incidents;

/// <summary>How bad the incident is technically (what the attacker achieved or could achieve).</summary>
public enum Severity
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>How much the affected constituent's business is hurt (scope, data, services).</summary>
public enum Impact
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>Handling priority: P1 is handled first (and pages on-call outside business hours).</summary>
public enum Priority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
    P4 = 4,
}

/// <summary>
/// The priority matrix (documented in docs/domain.md): severity × impact → priority. It follows
/// one rule, severity + impact (each 1–4): 7–8 → P1, 5–6 → P2, 4 → P3, 2–3 → P4. So it is
/// symmetric (neither axis weighs more, so neither can be gamed), monotonic, a single "critical"
/// on either axis gives at least P2, and P1 needs critical on one axis and high or more on the other.
/// <code>
///                 impact: low   medium  high   critical
/// severity critical       P2    P2      P1     P1
/// severity high           P3    P2      P2     P1
/// severity medium         P4    P3      P2     P2
/// severity low            P4    P4      P3     P2
/// </code>
/// </summary>
public static class PriorityMatrix
{
    // Rows: severity Low..Critical; columns: impact Low..Critical.
    private static readonly Priority[,] s_matrix =
    {
        { Priority.P4, Priority.P4, Priority.P3, Priority.P2 },
        { Priority.P4, Priority.P3, Priority.P2, Priority.P2 },
        { Priority.P3, Priority.P2, Priority.P2, Priority.P1 },
        { Priority.P2, Priority.P2, Priority.P1, Priority.P1 },
    };

    public static Priority Derive(Severity severity, Impact impact) =>
        s_matrix[(int)severity - 1, (int)impact - 1];
}
