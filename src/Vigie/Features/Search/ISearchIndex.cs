using System.Net;
using Vigie.Core.Observables;
using Vigie.Core.Search;
using Vigie.Data;

namespace Vigie.Features.Search;

/// <summary>One page of full-text candidates, newest first, before any visibility check.</summary>
/// <param name="Ids">Incident or report ids, in the index's order (newest first).</param>
/// <param name="Next">Opaque cursor for the following candidates; null when there are none.</param>
public sealed record CandidatePage(IReadOnlyList<Guid> Ids, string? Next);

/// <summary>
/// What differs between SQLite (FTS5, text key ranges) and PostgreSQL (tsvector, inet, reverse
/// host index) in search. Everything else — reading the query, visibility, grouping — is
/// <see cref="SearchService"/>'s, the same on both. One implementation per provider, chosen like
/// <see cref="VigieDb"/> itself (<see cref="SearchSetup"/>).
/// </summary>
/// <remarks>
/// Methods return candidates: ids or observable values, never filtered by who asks. The caller
/// filters them through <c>Incidents.VisibleTo(user)</c>, so the one visibility rule stays in
/// IncidentAccess.
/// </remarks>
public interface ISearchIndex
{
    /// <summary>Incidents whose title or description hold the words, newest first, after <paramref name="after"/>.</summary>
    Task<CandidatePage> IncidentsAsync(SearchQuery query, string? after, int take, CancellationToken ct);

    /// <summary>Reports whose subject, sender or text hold the words, newest first, after <paramref name="after"/>.</summary>
    Task<CandidatePage> ReportsAsync(SearchQuery query, string? after, int take, CancellationToken ct);

    /// <summary>
    /// IP and CIDR observable values (on incidents or reports) that lie inside
    /// <paramref name="network"/>/<paramref name="length"/>, or contain it. At most <paramref name="cap"/>.
    /// </summary>
    Task<IReadOnlyList<ObservableValue>> NetworkObservablesAsync(IPAddress network, int length, int cap, CancellationToken ct);

    /// <summary>Domain, URL and e-mail observable values whose host is <paramref name="domain"/> or one of its subdomains. At most <paramref name="cap"/>.</summary>
    Task<IReadOnlyList<ObservableValue>> HostObservablesAsync(string domain, int cap, CancellationToken ct);
}

public static class SearchSetup
{
    /// <summary>Registers search; the index follows the configured provider (Vigie:Database:Provider).</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddScoped<SqliteSearchIndex>();
        services.AddScoped<PostgresSearchIndex>();
        services.AddScoped<ISearchIndex>(sp => sp.GetRequiredService<VigieDb>() is PostgresVigieDb
            ? sp.GetRequiredService<PostgresSearchIndex>()
            : sp.GetRequiredService<SqliteSearchIndex>());
        services.AddScoped<SearchService>();
        return services;
    }
}
