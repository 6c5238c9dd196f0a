using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Constituents;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Core.Search;
using Vigie.Data;
using Vigie.Features.Incidents;
using Vigie.Features.Lookup;

namespace Vigie.Features.Search;

/// <summary>Which group a search page shows: all of them (first results of each), or one, further.</summary>
public enum SearchGroup
{
    All,
    Incidents,
    Reports,
}

public sealed record IncidentHit(Guid Id, string Number, string Title, IncidentState State, Priority Priority, Tlp Tlp,
    Guid? ConstituentId, string? Assignee, DateTimeOffset UpdatedAt, long Ordinal);

public sealed record ReportHit(Guid Id, string? Subject, string? From, DateTimeOffset ReceivedAt, TriageStatus Triage,
    Guid? IncidentId, string? IncidentNumber, string? Excerpt);

/// <summary>An indicator that matched, with how many incidents and reports (that the user may see) carry it.</summary>
public sealed record ObservableHit(ObservableKind Kind, string Value, int Incidents, int Reports, IReadOnlyList<string> IncidentNumbers);

/// <summary>A constituent whose scope holds the address or domain (or whose name holds the words).</summary>
public sealed record ConstituentHit(Guid Id, string Name, string Kind, string? Scope);

/// <summary>A page of one group; <see cref="Next"/> is the offset of the following page, if any.</summary>
public sealed record HitPage<T>(IReadOnlyList<T> Items, int? Next);

public sealed record SearchResults(
    SearchQuery Query,
    SearchGroup Group,
    HitPage<IncidentHit> Incidents,
    HitPage<ReportHit> Reports,
    IReadOnlyList<ObservableHit> Observables,
    IReadOnlyList<ConstituentHit> Constituents,
    IReadOnlyDictionary<Guid, string> ConstituentNames);

/// <summary>
/// The search box: reads the query (<see cref="SearchQuery"/>), asks the provider's
/// <see cref="ISearchIndex"/> for candidates, and keeps only what the user may see (incidents through
/// <see cref="IncidentAccess.VisibleTo"/>; a report attached to an incident the user may not see is
/// not shown either). Results are grouped: incidents, reports, observables, constituents.
/// </summary>
public sealed class SearchService(VigieDb db, ISearchIndex index, ConstituentDirectory directory)
{
    /// <summary>Rows per group on the first page (all groups).</summary>
    public const int OverviewSize = 10;

    /// <summary>Rows per page when one group is shown.</summary>
    public const int GroupPageSize = 50;

    /// <summary>Deepest offset served: search is for finding, the lists are for browsing.</summary>
    public const int MaxOffset = 1000;

    /// <summary>Observable values followed at most (a /8 may hold thousands of addresses).</summary>
    public const int MaxObservables = 200;

    // Ids of one observable-driven group read at most: the newest come first, enough for MaxOffset.
    private const int MaxObservableRows = 5000;

    private const int MaxCandidateRounds = 20;

    public async Task<SearchResults> SearchAsync(string? text, SearchGroup group, int offset, ClaimsPrincipal user, CancellationToken ct)
    {
        var query = SearchQuery.Parse(text);
        offset = Math.Clamp(offset, 0, MaxOffset);
        var size = group == SearchGroup.All ? OverviewSize : GroupPageSize;
        var empty = new SearchResults(query, group, new([], null), new([], null), [], [], new Dictionary<Guid, string>());
        if (query.Kind == SearchQueryKind.Empty)
        {
            return empty;
        }

        var keys = query.Kind == SearchQueryKind.Observable ? await ObservableKeysAsync(query.Observable!.Value, ct) : [];
        var want = offset + size + 1;

        var incidents = new HitPage<IncidentHit>([], null);
        if (group != SearchGroup.Reports)
        {
            var found = new List<IncidentHit>();
            if (query.Number is { } number)
            {
                found.AddRange(await IncidentHitsAsync(db.Incidents.VisibleTo(user).Where(i => i.Number == number), want, ct));
            }
            if (keys.Count > 0)
            {
                found.AddRange(await IncidentsWithAsync(keys, user, want, ct));
            }
            if (query.UsesText && query.Kind != SearchQueryKind.IncidentNumber)
            {
                found.AddRange(await VisibleTextAsync(index.IncidentsAsync, query,
                    ids => IncidentHitsAsync(db.Incidents.VisibleTo(user).Where(i => ids.Contains(i.Id)), ids.Count, ct), want, ct));
            }
            incidents = Page(found.DistinctBy(i => i.Id).OrderByDescending(i => i.Ordinal), offset, size);
        }

        var reports = new HitPage<ReportHit>([], null);
        if (group != SearchGroup.Incidents)
        {
            var found = new List<ReportHit>();
            if (query.Number is { } number
                && await db.Incidents.VisibleTo(user).Where(i => i.Number == number).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct) is { } incidentId)
            {
                found.AddRange(await ReportHitsAsync(db.Reports.AsNoTracking().Where(r => r.IncidentId == incidentId), want, ct));
            }
            if (keys.Count > 0)
            {
                found.AddRange(await ReportsWithAsync(keys, user, want, ct));
            }
            if (query.UsesText && query.Kind != SearchQueryKind.IncidentNumber)
            {
                found.AddRange(await VisibleTextAsync(index.ReportsAsync, query,
                    ids => ReportHitsAsync(VisibleReports(user).Where(r => ids.Contains(r.Id)), ids.Count, ct), want, ct));
            }
            reports = Page(found.DistinctBy(r => r.Id).OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id), offset, size);
        }

        var observables = group == SearchGroup.All && keys.Count > 0 ? await ObservableHitsAsync(keys, user, ct) : [];
        var constituents = group == SearchGroup.All ? await ConstituentHitsAsync(query, ct) : [];
        var ids = incidents.Items.Select(i => i.ConstituentId).OfType<Guid>().Distinct().ToList();
        var names = ids.Count == 0 ? new Dictionary<Guid, string>()
            : await db.Constituents.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new SearchResults(query, group, incidents, reports, observables, constituents, names);
    }

    private static HitPage<T> Page<T>(IEnumerable<T> ordered, int offset, int size)
    {
        var rows = ordered.Skip(offset).Take(size + 1).ToList();
        return new HitPage<T>(rows.Take(size).ToList(), rows.Count > size ? offset + size : null);
    }

    // ------------------------------------------------------------ observables

    /// <summary>The observable values the query stands for: itself, plus related networks or hosts.</summary>
    private async Task<IReadOnlyList<ObservableValue>> ObservableKeysAsync(ObservableValue value, CancellationToken ct)
    {
        var keys = new List<ObservableValue> { value };
        if (SearchNetworks.TryRead(value, out var network, out var length))
        {
            keys.AddRange(await index.NetworkObservablesAsync(network, length, MaxObservables, ct));
        }
        else if (value.Kind == ObservableKind.Domain)
        {
            keys.AddRange(await index.HostObservablesAsync(value.Value, MaxObservables, ct));
        }
        return [.. keys.Distinct().Take(MaxObservables)];
    }

    private IQueryable<IncidentObservable> IncidentObservablesOf(IReadOnlyList<ObservableValue> keys)
    {
        var kinds = keys.Select(k => k.Kind).Distinct().ToList();
        var values = keys.Select(k => k.Value).Distinct().ToList();
        // Values of different kinds never collide (an address is no domain), so kind and value may be filtered apart.
        return db.IncidentObservables.AsNoTracking().Where(o => kinds.Contains(o.Kind) && values.Contains(o.Value));
    }

    private IQueryable<ReportObservable> ReportObservablesOf(IReadOnlyList<ObservableValue> keys)
    {
        var kinds = keys.Select(k => k.Kind).Distinct().ToList();
        var values = keys.Select(k => k.Value).Distinct().ToList();
        return db.ReportObservables.AsNoTracking().Where(o => kinds.Contains(o.Kind) && values.Contains(o.Value));
    }

    // Ids are version 7 UUIDs made from the creation or arrival time, so id order is newest first:
    // the candidates are sorted from the observables index alone, and only a page of rows is read.
    private async Task<List<IncidentHit>> IncidentsWithAsync(IReadOnlyList<ObservableValue> keys, ClaimsPrincipal user, int want, CancellationToken ct)
    {
        var candidates = IncidentObservablesOf(keys).Select(o => o.IncidentId).Distinct().OrderByDescending(id => id);
        return await VisibleCandidatesAsync(candidates,
            ids => IncidentHitsAsync(db.Incidents.VisibleTo(user).Where(i => ids.Contains(i.Id)), ids.Count, ct), want, ct);
    }

    private async Task<List<ReportHit>> ReportsWithAsync(IReadOnlyList<ObservableValue> keys, ClaimsPrincipal user, int want, CancellationToken ct)
    {
        var candidates = ReportObservablesOf(keys).Select(o => o.ReportId).Distinct().OrderByDescending(id => id);
        return await VisibleCandidatesAsync(candidates,
            ids => ReportHitsAsync(VisibleReports(user).Where(r => ids.Contains(r.Id)), ids.Count, ct), want, ct);
    }

    /// <summary>Pages through ordered candidate ids, keeping the visible ones, until <paramref name="want"/> are found.</summary>
    private static async Task<List<T>> VisibleCandidatesAsync<T>(IQueryable<Guid> ordered, Func<List<Guid>, Task<List<T>>> visible, int want, CancellationToken ct)
    {
        var found = new List<T>();
        var skip = 0;
        while (found.Count < want && skip < MaxObservableRows)
        {
            var batch = Math.Clamp((want - found.Count) * 2, 20, 500);
            var ids = await ordered.Skip(skip).Take(batch).ToListAsync(ct);
            if (ids.Count > 0)
            {
                found.AddRange(await visible(ids));
            }
            if (ids.Count < batch)
            {
                break;
            }
            skip += batch;
        }
        return found;
    }

    private async Task<IReadOnlyList<ObservableHit>> ObservableHitsAsync(IReadOnlyList<ObservableValue> keys, ClaimsPrincipal user, CancellationToken ct)
    {
        var visible = db.Incidents.VisibleTo(user);
        var onIncidents = await IncidentObservablesOf(keys)
            .Join(visible, o => o.IncidentId, i => i.Id, (o, i) => new { o.Kind, o.Value, i.Number, i.Ordinal })
            .OrderByDescending(x => x.Ordinal).Take(MaxObservableRows).ToListAsync(ct);
        var visibleReports = VisibleReports(user);
        var onReports = await ReportObservablesOf(keys)
            .Where(o => visibleReports.Any(r => r.Id == o.ReportId))
            .GroupBy(o => new { o.Kind, o.Value })
            .Select(g => new { g.Key.Kind, g.Key.Value, Count = g.Select(o => o.ReportId).Distinct().Count() })
            .ToListAsync(ct);
        var wanted = keys.ToHashSet();
        var incidentGroups = onIncidents.Where(x => wanted.Contains(new ObservableValue(x.Kind, x.Value)))
            .GroupBy(x => new ObservableValue(x.Kind, x.Value)).ToDictionary(g => g.Key, g => g.Select(x => x.Number).Distinct().ToList());
        var reportCounts = onReports.Where(x => wanted.Contains(new ObservableValue(x.Kind, x.Value)))
            .ToDictionary(x => new ObservableValue(x.Kind, x.Value), x => x.Count);
        return [.. keys
            .Select(k => new ObservableHit(k.Kind, k.Value,
                incidentGroups.GetValueOrDefault(k)?.Count ?? 0, reportCounts.GetValueOrDefault(k),
                incidentGroups.GetValueOrDefault(k)?.Take(5).ToList() ?? []))
            .Where(h => h.Incidents > 0 || h.Reports > 0)
            .OrderByDescending(h => h.Incidents + h.Reports).ThenBy(h => h.Value, StringComparer.Ordinal)];
    }

    // ------------------------------------------------------------ text

    /// <summary>
    /// Walks the index's candidates (newest first) and keeps the visible ones until
    /// <paramref name="want"/> are found or the candidates end.
    /// </summary>
    private static async Task<List<T>> VisibleTextAsync<T>(Func<SearchQuery, string?, int, CancellationToken, Task<CandidatePage>> candidates,
        SearchQuery query, Func<List<Guid>, Task<List<T>>> visible, int want, CancellationToken ct)
    {
        var found = new List<T>();
        string? cursor = null;
        for (var round = 0; round < MaxCandidateRounds; round++)
        {
            var batch = Math.Clamp((want - found.Count) * 2, 20, 500);
            var page = await candidates(query, cursor, batch, ct);
            if (page.Ids.Count > 0)
            {
                found.AddRange(await visible([.. page.Ids]));
            }
            cursor = page.Next;
            if (found.Count >= want || cursor is null)
            {
                break;
            }
        }
        return found;
    }

    // ------------------------------------------------------------ rows

    /// <summary>Reports the user may see: those not attached to an incident, and those of incidents the user may see.</summary>
    private IQueryable<Report> VisibleReports(ClaimsPrincipal user)
    {
        var visible = db.Incidents.VisibleTo(user);
        return db.Reports.AsNoTracking().Where(r => r.IncidentId == null || visible.Any(i => i.Id == r.IncidentId));
    }

    private static async Task<List<IncidentHit>> IncidentHitsAsync(IQueryable<Incident> incidents, int take, CancellationToken ct) =>
        await incidents.AsNoTracking().OrderByDescending(i => i.Ordinal).Take(take)
            .Select(i => new IncidentHit(i.Id, i.Number, i.Title, i.State, i.Priority, i.Tlp, i.ConstituentId, i.Assignee, i.UpdatedAt, i.Ordinal))
            .ToListAsync(ct);

    private async Task<List<ReportHit>> ReportHitsAsync(IQueryable<Report> reports, int take, CancellationToken ct)
    {
        var rows = await reports.OrderByDescending(r => r.ReceivedAt).Take(take)
            .Select(r => new
            {
                r.Id, r.Subject, r.From, r.ReceivedAt, r.Triage, r.IncidentId,
                Number = db.Incidents.Where(i => i.Id == r.IncidentId).Select(i => i.Number).FirstOrDefault(),
                Excerpt = r.Text == null ? null : r.Text.Substring(0, 240),
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new ReportHit(r.Id, r.Subject, r.From, r.ReceivedAt, r.Triage, r.IncidentId, r.Number, r.Excerpt))];
    }

    // ------------------------------------------------------------ constituents

    private async Task<IReadOnlyList<ConstituentHit>> ConstituentHitsAsync(SearchQuery query, CancellationToken ct)
    {
        var hits = new List<ConstituentHit>();
        if (query.Observable is { } value)
        {
            var snapshot = await directory.GetAsync(ct);
            if (SearchNetworks.TryRead(value, out var network, out _))
            {
                if (snapshot.FindIp(network) is { } owner)
                {
                    hits.Add(new ConstituentHit(owner.Owner.Id, owner.Owner.Name, owner.Owner.Kind, owner.Scope));
                }
            }
            else if (SearchHosts.HostOf(value) is { } host && snapshot.FindDomain(host) is { } owner)
            {
                hits.Add(new ConstituentHit(owner.Owner.Id, owner.Owner.Name, owner.Owner.Kind, owner.Scope));
            }
            else if (value.Kind == ObservableKind.Asn)
            {
                hits.AddRange(await db.Scopes.AsNoTracking().Where(s => s.Kind == ScopeKind.Asn && s.Value == value.Value)
                    .Join(db.Constituents, s => s.ConstituentId, c => c.Id, (s, c) => new { c.Id, c.Name, c.Kind, s.Value })
                    .Select(x => new ConstituentHit(x.Id, x.Name, EnumWords.ToWord(x.Kind), x.Value)).ToListAsync(ct));
            }
        }
        else if (query.Kind == SearchQueryKind.Text && query.Text.Length <= 200)
        {
            var text = query.Text;
            var rows = await db.Constituents.AsNoTracking().Where(c => c.Name.Contains(text)).OrderBy(c => c.Name).Take(10)
                .Select(c => new { c.Id, c.Name, c.Kind }).ToListAsync(ct);
            hits.AddRange(rows.Select(c => new ConstituentHit(c.Id, c.Name, EnumWords.ToWord(c.Kind), null)));
        }
        return hits;
    }
}
