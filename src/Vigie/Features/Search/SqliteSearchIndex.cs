using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigie.Core.Observables;
using Vigie.Core.Search;
using Vigie.Data;

namespace Vigie.Features.Search;

/// <summary>
/// Search on SQLite: FTS5 for words (walked newest first by rowid, so a page stops early however
/// common the word), exact and key-range lookups on the <c>(Kind, Value)</c> observable indexes for
/// networks, and the host-word FTS5 tables for domains (<see cref="SearchSchema"/>).
/// </summary>
public sealed class SqliteSearchIndex(VigieDb db) : ISearchIndex
{
    private static readonly string[] ObservableTables = ["incident_observables", "report_observables"];

    /// <summary>IPv6 blocks without a fixed first group are checked row by row, at most this many.</summary>
    internal const int IPv6ScanLimit = 20_000;

    public Task<CandidatePage> IncidentsAsync(SearchQuery query, string? after, int take, CancellationToken ct) =>
        TextAsync("incidents", query, after, take, ct);

    public Task<CandidatePage> ReportsAsync(SearchQuery query, string? after, int take, CancellationToken ct) =>
        TextAsync("reports", query, after, take, ct);

    private async Task<CandidatePage> TextAsync(string table, SearchQuery query, string? after, int take, CancellationToken ct)
    {
        if (query.ToFts5() is not { } match)
        {
            return new CandidatePage([], null);
        }
        var before = long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : long.MaxValue;
        var ids = new List<Guid>(take);
        long last = 0;
        var more = await db.WithCommandAsync(async cmd =>
        {
            // FTS5 hands rows out in rowid order when asked (ORDER BY rowid DESC), so LIMIT ends the walk.
            cmd.CommandText = $"""
                SELECT {table}_fts.rowid, t."Id" FROM {table}_fts JOIN {table} t ON t.rowid = {table}_fts.rowid
                WHERE {table}_fts MATCH $match AND {table}_fts.rowid < $before
                ORDER BY {table}_fts.rowid DESC LIMIT $take
                """;
            SearchCommands.Add(cmd, "$match", match);
            SearchCommands.Add(cmd, "$before", before);
            SearchCommands.Add(cmd, "$take", take + 1);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (ids.Count == take)
                {
                    return true;
                }
                last = reader.GetInt64(0);
                ids.Add(reader.GetGuid(1));
            }
            return false;
        }, ct);
        return new CandidatePage(ids, more ? last.ToString(CultureInfo.InvariantCulture) : null);
    }

    public async Task<IReadOnlyList<ObservableValue>> NetworkObservablesAsync(IPAddress network, int length, int cap, CancellationToken ct)
    {
        var found = new HashSet<ObservableValue>();
        var enclosing = SearchNetworks.EnclosingCidrs(network, length);
        await db.WithCommandAsync(async cmd =>
        {
            // Blocks that contain the query: each candidate prefix is an exact key.
            var names = enclosing.Select((_, i) => "$c" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            foreach (var table in ObservableTables)
            {
                cmd.Parameters.Clear();
                cmd.CommandText = $"""SELECT DISTINCT "Kind", "Value" FROM {table} WHERE "Kind" = 'Cidr' AND "Value" IN ({string.Join(',', names)})""";
                for (var i = 0; i < names.Length; i++)
                {
                    SearchCommands.Add(cmd, names[i], enclosing[i]);
                }
                await ReadValuesAsync(cmd, found, cap, _ => true, ct);
            }

            // Addresses and blocks inside the query: key ranges of the text, then checked exactly.
            bool Inside(ObservableValue v) =>
                SearchNetworks.TryRead(v, out var n, out var l) && SearchNetworks.IsInside(n, l, network, length);
            if (network.AddressFamily == AddressFamily.InterNetwork)
            {
                foreach (var (from, to) in SearchNetworks.IPv4TextRanges(network, length))
                {
                    foreach (var table in ObservableTables)
                    {
                        cmd.Parameters.Clear();
                        cmd.CommandText = $"""
                            SELECT DISTINCT "Kind", "Value" FROM {table}
                            WHERE "Kind" IN ('IPv4', 'Cidr') AND "Value" >= $from AND "Value" < $to LIMIT $limit
                            """;
                        SearchCommands.Add(cmd, "$from", from);
                        SearchCommands.Add(cmd, "$to", to);
                        SearchCommands.Add(cmd, "$limit", IPv6ScanLimit);
                        await ReadValuesAsync(cmd, found, cap, Inside, ct);
                    }
                }
            }
            else
            {
                var group = SearchNetworks.IPv6FirstGroup(network, length);
                foreach (var table in ObservableTables)
                {
                    cmd.Parameters.Clear();
                    cmd.CommandText = group is null
                        ? $"""SELECT DISTINCT "Kind", "Value" FROM {table} WHERE "Kind" IN ('IPv6', 'Cidr') AND instr("Value", ':') > 0 LIMIT $limit"""
                        : $"""SELECT DISTINCT "Kind", "Value" FROM {table} WHERE "Kind" IN ('IPv6', 'Cidr') AND "Value" >= $from AND "Value" < $to LIMIT $limit""";
                    if (group is not null)
                    {
                        SearchCommands.Add(cmd, "$from", group + ":");
                        SearchCommands.Add(cmd, "$to", group + ";");
                    }
                    SearchCommands.Add(cmd, "$limit", IPv6ScanLimit);
                    await ReadValuesAsync(cmd, found, cap, Inside, ct);
                }
            }
            return true;
        }, ct);
        return [.. found.Take(cap)];
    }

    public async Task<IReadOnlyList<ObservableValue>> HostObservablesAsync(string domain, int cap, CancellationToken ct)
    {
        var found = new HashSet<ObservableValue>();
        await db.WithCommandAsync(async cmd =>
        {
            foreach (var table in ObservableTables)
            {
                cmd.Parameters.Clear();
                // The domain's words in a row (evil.example → "evil example"); the exact host check follows.
                cmd.CommandText = $"""
                    SELECT DISTINCT o."Kind", o."Value" FROM {table}_hosts h JOIN {table} o ON o.rowid = h.rowid
                    WHERE {table}_hosts MATCH $phrase LIMIT $limit
                    """;
                SearchCommands.Add(cmd, "$phrase", "\"" + domain.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
                SearchCommands.Add(cmd, "$limit", IPv6ScanLimit);
                await ReadValuesAsync(cmd, found, cap, v => SearchHosts.IsWithin(SearchHosts.HostOf(v), domain), ct);
            }
            return true;
        }, ct);
        return [.. found.Take(cap)];
    }

    private static async Task ReadValuesAsync(DbCommand cmd, HashSet<ObservableValue> found, int cap, Func<ObservableValue, bool> keep, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (found.Count < cap && await reader.ReadAsync(ct))
        {
            if (Enum.TryParse<ObservableKind>(reader.GetString(0), out var kind))
            {
                var value = new ObservableValue(kind, reader.GetString(1));
                if (keep(value))
                {
                    found.Add(value);
                }
            }
        }
    }
}
