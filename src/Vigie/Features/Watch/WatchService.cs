using Microsoft.EntityFrameworkCore;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Matching;
using Vigie.Core.Vulnerabilities.Ssvc;
using Vigie.Data;
using Vigie.Features.Inventory;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>What a rematch did.</summary>
public sealed record RematchResult(int Vulnerabilities, int Products, int Matches, int New, int Gone, int Alerts);

/// <summary>
/// The vulnerability watch: matches vulnerabilities against every constituent's inventory (the core
/// <see cref="InventoryIndex"/>), keeps each match with its evidence, SSVC priority and deadline, remembers the analyst's
/// decision across rematches, and raises alerts for KEV-listed and high-priority exposures.
/// </summary>
public sealed class WatchService(VigieDb db, InventoryService inventory, TimeProvider time, ILogger<WatchService> log)
{
    public const int Page = 500;

    /// <summary>
    /// Rematches the given CVEs (after an import) or, when <paramref name="cveIds"/> is null, every CVE that names products
    /// (after an inventory change, or on demand).
    /// </summary>
    public async Task<RematchResult> RematchAsync(IReadOnlyCollection<string>? cveIds, CancellationToken ct)
    {
        // One rematch at a time in a process: an import's rematch and the worker's (after an inventory change) would
        // otherwise insert the same new match twice.
        await Running.WaitAsync(ct);
        try
        {
            return await RematchOnceAsync(cveIds, ct);
        }
        finally
        {
            Running.Release();
        }
    }

    private static readonly SemaphoreSlim Running = new(1, 1);

    private async Task<RematchResult> RematchOnceAsync(IReadOnlyCollection<string>? cveIds, CancellationToken ct)
    {
        var products = await inventory.AllProductsAsync(ct);
        var index = new InventoryIndex(products);
        var levels = await db.Set<InventoryItem>().AsNoTracking()
            .Select(i => new { i.Id, i.Exposure, i.Criticality }).ToDictionaryAsync(i => i.Id, i => (i.Exposure, i.Criticality), ct);
        int vulnerabilities = 0, matches = 0, added = 0, gone = 0, alerts = 0;
        string? after = null;
        var ids = cveIds?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var position = 0;
        while (true)
        {
            List<string> page;
            if (ids is not null)
            {
                page = ids.Skip(position).Take(Page).ToList();
                position += page.Count;
            }
            else
            {
                var query = db.Set<Vulnerability>().AsNoTracking().Where(v => v.HasProducts);
                if (after is not null)
                {
                    query = query.Where(v => string.Compare(v.Id, after) > 0);
                }
                page = await query.OrderBy(v => v.Id).Select(v => v.Id).Take(Page).ToListAsync(ct);
                after = page.LastOrDefault();
            }
            if (page.Count == 0)
            {
                break;
            }
            vulnerabilities += page.Count;
            var (m, a, g, al) = await MatchPageAsync(page, index, levels, ct);
            (matches, added, gone, alerts) = (matches + m, added + a, gone + g, alerts + al);
        }
        log.LogInformation("Rematch: {Vulnerabilities} vulnerabilities × {Products} products → {Matches} matches ({New} new, {Gone} gone), {Alerts} alerts",
            vulnerabilities, products.Count, matches, added, gone, alerts);
        return new RematchResult(vulnerabilities, products.Count, matches, added, gone, alerts);
    }

    private async Task<(int Matches, int New, int Gone, int Alerts)> MatchPageAsync(List<string> page, InventoryIndex index,
        Dictionary<Guid, (Exposure Exposure, Criticality Criticality)> levels, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Parsing the facts' JSON is the CPU-bound part of a rematch: spread over the cores.
        var rawFacts = await db.Set<VulnerabilityFact>().AsNoTracking().Where(f => page.Contains(f.CveId)).Select(f => new { f.CveId, f.Record }).ToListAsync(ct);
        var facts = rawFacts.AsParallel().Select(f => (f.CveId, Record: VulnerabilityJson.Read(f.Record))).ToList()
            .GroupBy(f => f.CveId).ToDictionary(g => g.Key, g => g.Select(f => f.Record).ToList());
        var views = await db.Set<Vulnerability>().AsNoTracking().Where(v => page.Contains(v.Id))
            .Select(v => new { v.Id, v.State, v.Cvss, v.CvssVector, v.Epss, v.Kev }).ToDictionaryAsync(v => v.Id, ct);
        var existing = (await db.Set<VulnerabilityMatch>().Where(m => page.Contains(m.CveId)).ToListAsync(ct))
            .ToDictionary(m => (m.CveId, m.InventoryItemId));
        var raised = (await db.Set<WatchAlert>().AsNoTracking().Where(a => page.Contains(a.CveId)).Select(a => new { a.Kind, a.CveId, a.ConstituentId }).ToListAsync(ct))
            .Select(a => (a.Kind, a.CveId, a.ConstituentId)).ToHashSet();
        var seen = new HashSet<(string, Guid)>();
        var fresh = new List<VulnerabilityMatch>();
        int total = 0, added = 0, gone = 0, alerts = 0;
        foreach (var id in page)
        {
            if (!views.TryGetValue(id, out var view) || view.State == VulnerabilityState.Rejected || !facts.TryGetValue(id, out var records))
            {
                continue;
            }
            var found = index.Match([.. records.SelectMany(r => r.Affected)]);
            var stated = records.Select(r => r.Exploitation).Where(e => e is not null).Aggregate((ExploitationFacts?)null, Combine);
            var known = new VulnerabilityFacts(view.Cvss, view.CvssVector, view.Epss, view.Kev, stated);
            foreach (var match in found)
            {
                total++;
                seen.Add((id, match.InventoryId));
                var (exposure, criticality) = levels.GetValueOrDefault(match.InventoryId, (Exposure.Internal, Criticality.Medium));
                if (!existing.TryGetValue((id, match.InventoryId), out var row))
                {
                    row = new VulnerabilityMatch
                    {
                        Id = Guid.CreateVersion7(now), CveId = id, InventoryItemId = match.InventoryId, ConstituentId = match.ConstituentId,
                        FirstSeenAt = now, Decision = MatchDecision.Open,
                    };
                    fresh.Add(row);
                    existing[(id, match.InventoryId)] = row;
                    added++;
                }
                var priority = Prioritizer.Assess(known, exposure, criticality, row.FirstSeenAt);
                var state = (match.Confidence, match.Evidence, true, Outcome(priority.Decision), priority.Deadline, priority.Rank, view.Kev, view.Epss, view.Cvss);
                if (state != (row.Confidence, row.Evidence, row.Active, row.Outcome, row.Deadline, row.Rank, row.Kev, row.Epss, row.Cvss))
                {
                    // Only what moved is written: a full rematch over an unchanged store updates nothing.
                    (row.Confidence, row.Evidence, row.Active, row.Outcome, row.Deadline, row.Rank, row.Kev, row.Epss, row.Cvss) = state;
                    row.LastSeenAt = now;
                }
                if (row.Decision == MatchDecision.Dismissed)
                {
                    continue; // remembered: a dismissed exposure raises nothing again
                }
                if (view.Kev && raised.Add((WatchAlertKind.KnownExploited, id, match.ConstituentId)))
                {
                    db.Add(new WatchAlert { Id = Guid.CreateVersion7(now), Kind = WatchAlertKind.KnownExploited, CveId = id, ConstituentId = match.ConstituentId, Outcome = row.Outcome, RaisedAt = now });
                    alerts++;
                }
                else if (priority.Decision is DeployerDecision.Immediate or DeployerDecision.OutOfCycle && !view.Kev
                    && raised.Add((WatchAlertKind.HighPriority, id, match.ConstituentId)))
                {
                    db.Add(new WatchAlert { Id = Guid.CreateVersion7(now), Kind = WatchAlertKind.HighPriority, CveId = id, ConstituentId = match.ConstituentId, Outcome = row.Outcome, RaisedAt = now });
                    alerts++;
                }
            }
        }
        foreach (var row in existing.Values.Where(r => r.Active && !seen.Contains((r.CveId, r.InventoryItemId))))
        {
            row.Active = false;
            gone++;
        }
        // New matches in bulk (a first rematch writes a hundred thousand), the changed ones and the alerts with them.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await BulkInsert.AddAsync(db, fresh, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return (total, added, gone, alerts);
    }

    /// <summary>What several sources state, together: the worst exploitation, the first stated other options.</summary>
    private static ExploitationFacts? Combine(ExploitationFacts? a, ExploitationFacts? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }
        var worst = a.Exploitation is null ? b.Exploitation
            : b.Exploitation is null ? a.Exploitation
            : (SsvcExploitation)Math.Max((int)a.Exploitation, (int)b.Exploitation);
        return new ExploitationFacts(worst, a.Automatable ?? b.Automatable, a.TechnicalImpact ?? b.TechnicalImpact, a.KevDateAdded ?? b.KevDateAdded);
    }

    /// <summary>The deployer outcome's word: "immediate", "out-of-cycle", "scheduled", "defer".</summary>
    public static string Outcome(DeployerDecision d) => d switch
    {
        DeployerDecision.Immediate => "immediate",
        DeployerDecision.OutOfCycle => "out-of-cycle",
        DeployerDecision.Scheduled => "scheduled",
        _ => "defer",
    };

    /// <summary>Records an analyst's decision on a match (kept across rematches).</summary>
    public async Task<VulnerabilityMatch?> DecideAsync(Guid id, MatchDecision decision, string? reason, string actor, CancellationToken ct)
    {
        var row = await db.Set<VulnerabilityMatch>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (row is null)
        {
            return null;
        }
        (row.Decision, row.DecisionReason, row.DecidedBy, row.DecidedAt) =
            (decision, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 1000)], actor, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return row;
    }
}
