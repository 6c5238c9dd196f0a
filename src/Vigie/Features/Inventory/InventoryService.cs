using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Ssvc;
using Vigie.Data;

namespace Vigie.Features.Inventory;

/// <summary>The fields of an inventory item as entered or imported.</summary>
public sealed record InventoryInput(string? Vendor, string? Product, string? Version, string? Cpe = null, string? Purl = null,
    Exposure Exposure = Exposure.Internal, Criticality Criticality = Criticality.Medium, string? Notes = null);

/// <summary>
/// One row an import could not take: where and why. <see cref="Field"/> (cpe, purl, product, fields, notes, exposure,
/// criticality, object) and <see cref="Value"/> (the refused text, when there is one) let a page say it in the reader's
/// language; they are not part of the API's answer.
/// </summary>
public sealed record InventoryRowError(string Where, string Reason,
    [property: JsonIgnore] string? Field = null, [property: JsonIgnore] string? Value = null);

/// <summary>What an import did (or would do, on a dry run).</summary>
public sealed record InventoryImportResult(int Added, int Updated, IReadOnlyList<InventoryRowError> Errors);

/// <summary>
/// Constituents' inventories: entry, import (CSV, JSON, CycloneDX SBOM), and the projection the vulnerability matcher reads.
/// An item that names the same product as an existing one of the same constituent (same CPE, purl, or vendor+product+version)
/// is updated, not duplicated, so re-importing an SBOM is idempotent.
/// </summary>
public sealed class InventoryService(VigieDb db, TimeProvider time)
{
    public const int MaxRows = 50_000;

    /// <summary>Every item as the matcher sees it (projection only, no tracking).</summary>
    public async Task<IReadOnlyList<InventoryProduct>> AllProductsAsync(CancellationToken ct) =>
        await db.Set<InventoryItem>().AsNoTracking()
            .Select(i => new InventoryProduct(i.Id, i.ConstituentId, i.Vendor, i.Product, i.Version, i.Cpe, i.Purl)).ToListAsync(ct);

    public async Task<Result<InventoryItem>> AddAsync(Guid constituentId, InventoryInput input, string actor, CancellationToken ct)
    {
        if (!await db.Constituents.AnyAsync(c => c.Id == constituentId, ct))
        {
            return Error.NotFound("The constituent");
        }
        var outcome = await UpsertAsync(constituentId, [(1, input)], $"manual", actor, dryRun: false, ct);
        if (outcome.Errors.Count > 0)
        {
            return Error.Validation(outcome.Errors[0].Field ?? "item", outcome.Errors[0].Reason);
        }
        return outcome.Items[0];
    }

    public async Task<Result<InventoryItem>> UpdateAsync(Guid constituentId, Guid id, InventoryInput input, string actor, CancellationToken ct)
    {
        var item = await db.Set<InventoryItem>().FirstOrDefaultAsync(i => i.Id == id && i.ConstituentId == constituentId, ct);
        if (item is null)
        {
            return Error.NotFound("The inventory item");
        }
        if (Apply(item, input) is { } error)
        {
            return error;
        }
        (item.UpdatedAt, item.UpdatedBy) = (time.GetUtcNow(), actor);
        await db.SaveChangesAsync(ct);
        return item;
    }

    public async Task<bool> DeleteAsync(Guid constituentId, Guid id, CancellationToken ct) =>
        await db.Set<InventoryItem>().Where(i => i.Id == id && i.ConstituentId == constituentId).ExecuteDeleteAsync(ct) > 0;

    /// <summary>Imports a file's rows: valid rows are kept, each invalid one is reported with its line or index.</summary>
    public async Task<Result<InventoryImportResult>> ImportAsync(Guid constituentId, string fileName, Stream content, string? format, string actor, bool dryRun, CancellationToken ct)
    {
        if (!await db.Constituents.AnyAsync(c => c.Id == constituentId, ct))
        {
            return Error.NotFound("The constituent");
        }
        var kind = (format ?? Path.GetExtension(fileName).TrimStart('.')).ToLowerInvariant();
        var errors = new List<InventoryRowError>();
        List<(int Line, InventoryInput Input)> rows;
        try
        {
            rows = kind switch
            {
                "csv" => ReadCsv(content, errors),
                "json" or "cyclonedx" or "cdx" => ReadJson(content, errors),
                _ => throw new FormatException($"Unknown format \"{kind}\": use csv, json or cyclonedx."),
            };
        }
        catch (Exception e) when (e is FormatException or JsonException or CsvHelperException or DecoderFallbackException)
        {
            return Error.Validation("file", e.Message);
        }
        if (rows.Count > MaxRows)
        {
            return Error.Validation("file", $"{rows.Count} items: the limit is {MaxRows} per import.");
        }
        var outcome = await UpsertAsync(constituentId, rows, $"{(kind == "csv" ? "csv" : "json")}:{Path.GetFileName(fileName)}", actor, dryRun, ct);
        return new InventoryImportResult(outcome.Added, outcome.Updated, [.. errors, .. outcome.Errors]);
    }

    private sealed record Upserted(int Added, int Updated, List<InventoryItem> Items, List<InventoryRowError> Errors);

    private async Task<Upserted> UpsertAsync(Guid constituentId, IReadOnlyList<(int Line, InventoryInput Input)> rows, string source, string actor, bool dryRun, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var existing = await db.Set<InventoryItem>().Where(i => i.ConstituentId == constituentId).ToListAsync(ct);
        var byKey = new Dictionary<string, InventoryItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in existing)
        {
            byKey.TryAdd(Key(e.Vendor, e.Product, e.Version, e.Cpe, e.Purl), e);
        }
        var result = new Upserted(0, 0, [], []);
        int added = 0, updated = 0;
        foreach (var (line, input) in rows)
        {
            var probe = new InventoryItem();
            if (Apply(probe, input) is { } error)
            {
                var field = error.Fields?.Keys.FirstOrDefault();
                result.Errors.Add(new InventoryRowError(line.ToString(CultureInfo.InvariantCulture), error.Message, field,
                    field switch { "cpe" => input.Cpe?.Trim(), "purl" => input.Purl?.Trim(), _ => null }));
                continue;
            }
            var key = Key(probe.Vendor, probe.Product, probe.Version, probe.Cpe, probe.Purl);
            if (byKey.TryGetValue(key, out var item))
            {
                Apply(item, input);
                updated++;
            }
            else
            {
                item = probe;
                (item.Id, item.ConstituentId, item.CreatedAt, item.Source) = (Guid.CreateVersion7(now), constituentId, now, source);
                byKey[key] = item;
                if (!dryRun)
                {
                    db.Add(item);
                }
                added++;
            }
            (item.UpdatedAt, item.UpdatedBy) = (now, actor);
            result.Items.Add(item);
        }
        if (!dryRun)
        {
            await db.SaveChangesAsync(ct);
        }
        return result with { Added = added, Updated = updated };
    }

    private static string Key(string? vendor, string? product, string? version, string? cpe, string? purl) =>
        cpe ?? purl ?? $"{vendor}\u0001{product}\u0001{version}";

    private static Error? Apply(InventoryItem item, InventoryInput input)
    {
        var (vendor, product, version, cpe, purl) = (input.Vendor, input.Product, input.Version, input.Cpe, input.Purl);
        if (InventoryItem.Validate(ref vendor, ref product, ref version, ref cpe, ref purl) is { } error)
        {
            return error;
        }
        if (input.Notes is { Length: > 2000 })
        {
            return Error.Validation("notes", "Notes are limited to 2000 characters.");
        }
        (item.Vendor, item.Product, item.Version, item.Cpe, item.Purl, item.Exposure, item.Criticality, item.Notes) =
            (vendor, product, version, cpe, purl, input.Exposure, input.Criticality, string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim());
        return null;
    }

    // ------------------------------------------------------------------ formats

    /// <summary>CSV with a header: vendor, product, version, cpe, purl, exposure (internal | internet-facing), criticality (low…critical), notes.</summary>
    internal static List<(int, InventoryInput)> ReadCsv(Stream content, List<InventoryRowError> errors)
    {
        using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            DetectDelimiter = true,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader())
        {
            throw new FormatException("The file is empty: a header row is required (vendor,product,version,cpe,purl,exposure,criticality,notes).");
        }
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        if (!header.Overlaps(["product", "cpe", "purl"]))
        {
            throw new FormatException("The header names none of product, cpe, purl.");
        }
        var rows = new List<(int, InventoryInput)>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            if (rows.Count > MaxRows)
            {
                break;
            }
            string? Field(string name) => header.Contains(name) ? csv.GetField(name) : null;
            if (!TryLevels(Field("exposure"), Field("criticality"), out var exposure, out var criticality, out var why, out var bad))
            {
                errors.Add(new InventoryRowError(line.ToString(CultureInfo.InvariantCulture), why, bad, Field(bad)));
                continue;
            }
            rows.Add((line, new InventoryInput(Field("vendor"), Field("product"), Field("version"), Field("cpe"), Field("purl"), exposure, criticality, Field("notes"))));
        }
        return rows;
    }

    /// <summary>
    /// JSON: either a CycloneDX SBOM (<c>bomFormat: "CycloneDX"</c>, <c>components[]</c> with name, version, group or
    /// publisher/supplier as vendor, cpe, purl; nested components included) or an array of items with the CSV's fields.
    /// </summary>
    internal static List<(int, InventoryInput)> ReadJson(Stream content, List<InventoryRowError> errors)
    {
        using var doc = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var rows = new List<(int, InventoryInput)>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("bomFormat", out var format) && format.ValueKind == JsonValueKind.String
            && format.GetString() == "CycloneDX")
        {
            var n = 0;
            void Walk(JsonElement components)
            {
                foreach (var c in components.EnumerateArray())
                {
                    n++;
                    if (rows.Count > MaxRows)
                    {
                        return;
                    }
                    var vendor = Str(c, "group") ?? Str(c, "publisher") ?? (c.TryGetProperty("supplier", out var s) ? Str(s, "name") : null)
                        ?? (c.TryGetProperty("manufacturer", out var m) ? Str(m, "name") : null);
                    rows.Add((n, new InventoryInput(vendor, Str(c, "name"), Str(c, "version"), Str(c, "cpe"), Str(c, "purl"))));
                    if (c.TryGetProperty("components", out var nested) && nested.ValueKind == JsonValueKind.Array)
                    {
                        Walk(nested);
                    }
                }
            }
            if (root.TryGetProperty("components", out var components) && components.ValueKind == JsonValueKind.Array)
            {
                Walk(components);
            }
            return rows;
        }
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i
            : throw new FormatException("Expected a CycloneDX SBOM or an array of items.");
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new InventoryRowError($"[{index - 1}]", "not an object", "object"));
                continue;
            }
            if (!TryLevels(Str(item, "exposure"), Str(item, "criticality"), out var exposure, out var criticality, out var why, out var bad))
            {
                errors.Add(new InventoryRowError($"[{index - 1}]", why, bad, Str(item, bad)));
                continue;
            }
            rows.Add((index, new InventoryInput(Str(item, "vendor"), Str(item, "product"), Str(item, "version"), Str(item, "cpe"), Str(item, "purl"),
                exposure, criticality, Str(item, "notes"))));
        }
        return rows;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool TryLevels(string? exposureText, string? criticalityText, out Exposure exposure, out Criticality criticality, out string why) =>
        TryLevels(exposureText, criticalityText, out exposure, out criticality, out why, out _);

    /// <summary>Also says which of the two was refused ("exposure" or "criticality").</summary>
    internal static bool TryLevels(string? exposureText, string? criticalityText, out Exposure exposure, out Criticality criticality, out string why,
        out string field)
    {
        why = "";
        field = "";
        exposure = Exposure.Internal;
        criticality = Criticality.Medium;
        switch (exposureText?.Trim().ToLowerInvariant())
        {
            case null or "" or "internal" or "interne":
                break;
            case "internet-facing" or "internet" or "public" or "exposed" or "exposé":
                exposure = Exposure.InternetFacing;
                break;
            default:
                why = $"exposure \"{exposureText}\" is not internal or internet-facing";
                field = "exposure";
                return false;
        }
        switch (criticalityText?.Trim().ToLowerInvariant())
        {
            case null or "":
                break;
            case "low" or "faible": criticality = Criticality.Low; break;
            case "medium" or "moyenne": criticality = Criticality.Medium; break;
            case "high" or "haute" or "élevée": criticality = Criticality.High; break;
            case "critical" or "critique": criticality = Criticality.Critical; break;
            default:
                why = $"criticality \"{criticalityText}\" is not low, medium, high or critical";
                field = "criticality";
                return false;
        }
        return true;
    }
}
