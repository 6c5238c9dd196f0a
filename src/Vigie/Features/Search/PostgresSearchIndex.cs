using System.Data.Common;
using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Vigie.Core.Observables;
using Vigie.Core.Search;
using Vigie.Data;

namespace Vigie.Features.Search;

/// <summary>
/// Search on PostgreSQL: the generated <c>search_vector</c> columns (GIN) for words, with
/// <c>plainto_tsquery</c>/<c>phraseto_tsquery</c> so no user text is ever query syntax; the GiST
/// <c>inet</c> index for networks (<c>&amp;&amp;</c>: contains or is contained); the
/// <c>reverse(host)</c> index for domains (<see cref="SearchSchema"/>).
/// </summary>
public sealed class PostgresSearchIndex(VigieDb db) : ISearchIndex
{
    private static readonly string[] ObservableTables = ["incident_observables", "report_observables"];

    /// <summary>Below this many matches, full-text candidates are read in full and sorted (see TextAsync).</summary>
    private const int RareMatches = 2000;

    /// <summary>Observable rows read at most per table before the distinct values are taken.</summary>
    private const int MaxRows = 20_000;

    public async Task<CandidatePage> IncidentsAsync(SearchQuery query, string? after, int take, CancellationToken ct)
    {
        var before = long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : (long?)null;
        var rows = await TextAsync("incidents", "\"Ordinal\"", query, before, take, r => (r.GetGuid(0), r.GetInt64(1).ToString(CultureInfo.InvariantCulture)), ct);
        return Page(rows, take);
    }

    public async Task<CandidatePage> ReportsAsync(SearchQuery query, string? after, int take, CancellationToken ct)
    {
        // Report ids are version 7 UUIDs made from the arrival time: newest first is id order.
        var before = Guid.TryParse(after, out var a) ? a : (Guid?)null;
        var rows = await TextAsync("reports", "\"Id\"", query, before, take, r => (r.GetGuid(0), r.GetGuid(0).ToString()), ct);
        return Page(rows, take);
    }

    private static CandidatePage Page(List<(Guid Id, string Key)> rows, int take) =>
        new([.. rows.Take(take).Select(r => r.Id)], rows.Count > take ? rows[take - 1].Key : null);

    private async Task<List<(Guid, string)>> TextAsync(string table, string orderColumn, SearchQuery query, object? before, int take,
        Func<DbDataReader, (Guid, string)> read, CancellationToken ct)
    {
        var text = query.ToPostgresText();
        if (query.Terms.Count == 0 || text.Length == 0)
        {
            return [];
        }
        var function = query.IsPhrase ? "phraseto_tsquery" : "plainto_tsquery";
        var match = $"search_vector @@ {function}('simple'::regconfig, @q)";
        var after = before is null ? "" : $" AND {orderColumn} < @before";
        // Few matches (a hash, a rare name): read them all through the GIN index and sort; many (a
        // common word): walk the newest-first index and stop after a page. PostgreSQL's estimate for
        // a word it has no statistics on cannot tell the two apart, so count first, up to a cap.
        var rare = await db.WithCommandAsync(async cmd =>
        {
            cmd.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {match} LIMIT {RareMatches}) m";
            SearchCommands.Add(cmd, "q", text);
            return (long)(await cmd.ExecuteScalarAsync(ct))! < RareMatches;
        }, ct);
        return await db.WithCommandAsync(async cmd =>
        {
            cmd.CommandText = rare
                ? $"""
                    WITH m AS MATERIALIZED (SELECT "Id" AS id, {orderColumn} AS sort_key FROM {table} WHERE {match})
                    SELECT id, sort_key FROM m{(before is null ? "" : " WHERE sort_key < @before")} ORDER BY sort_key DESC LIMIT @take
                    """
                : $"""
                    SELECT "Id", {orderColumn} FROM {table}
                    WHERE {match}{after}
                    ORDER BY {orderColumn} DESC LIMIT @take
                    """;
            SearchCommands.Add(cmd, "q", text);
            if (before is not null)
            {
                SearchCommands.Add(cmd, "before", before);
            }
            SearchCommands.Add(cmd, "take", take + 1);
            var rows = new List<(Guid, string)>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }
            return rows;
        }, ct);
    }

    public async Task<IReadOnlyList<ObservableValue>> NetworkObservablesAsync(IPAddress network, int length, int cap, CancellationToken ct)
    {
        var block = string.Create(CultureInfo.InvariantCulture, $"{network}/{length}");
        // The inner LIMIT keeps the planner on the GiST index: with DISTINCT … LIMIT alone it prefers
        // walking the (Kind, Value) index in order and filtering a million rows (bench workspace).
        return await ValuesAsync(table => $"""
            SELECT DISTINCT "Kind", "Value" FROM (
                SELECT "Kind", "Value" FROM {table}
                WHERE "Kind" IN ({SearchSchema.IpKinds}) AND {SearchSchema.PostgresInet} && CAST(@block AS inet) LIMIT {MaxRows}) m
            LIMIT @cap
            """, cmd => SearchCommands.Add(cmd, "block", block), cap, ct);
    }

    public async Task<IReadOnlyList<ObservableValue>> HostObservablesAsync(string domain, int cap, CancellationToken ct)
    {
        // The host reversed: the domain itself, or anything under "<reversed>." (a key range of the
        // text_pattern_ops index; the range operators work with a parameter, where LIKE would need a constant).
        var reversed = new string([.. domain.Reverse()]);
        var host = $"reverse({SearchSchema.PostgresHost})";
        return await ValuesAsync(table => $"""
            SELECT DISTINCT "Kind", "Value" FROM (
                SELECT "Kind", "Value" FROM {table}
                WHERE "Kind" IN ({SearchSchema.HostKinds})
                  AND ({host} = @reversed OR ({host} ~>=~ @from AND {host} ~<~ @to)) LIMIT {MaxRows}) m
            LIMIT @cap
            """, cmd =>
        {
            SearchCommands.Add(cmd, "reversed", reversed);
            SearchCommands.Add(cmd, "from", reversed + ".");
            SearchCommands.Add(cmd, "to", reversed + "/");
        }, cap, ct);
    }

    private async Task<IReadOnlyList<ObservableValue>> ValuesAsync(Func<string, string> sql, Action<DbCommand> parameters, int cap, CancellationToken ct)
    {
        var found = new HashSet<ObservableValue>();
        await db.WithCommandAsync(async cmd =>
        {
            foreach (var table in ObservableTables)
            {
                cmd.Parameters.Clear();
                cmd.CommandText = sql(table);
                parameters(cmd);
                SearchCommands.Add(cmd, "cap", cap);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (found.Count < cap && await reader.ReadAsync(ct))
                {
                    if (Enum.TryParse<ObservableKind>(reader.GetString(0), out var kind))
                    {
                        found.Add(new ObservableValue(kind, reader.GetString(1)));
                    }
                }
            }
            return true;
        }, ct);
        return [.. found];
    }
}
