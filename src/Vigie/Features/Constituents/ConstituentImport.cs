using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using MimeKit;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Core;
using Vigie.Core.Constituents;
using Vigie.Data;

namespace Vigie.Features.Constituents;

/// <summary>
/// <c>vigie constituent import FILE</c>: CSV or JSON, all or nothing. Every row is checked (fields,
/// duplicates within the file, conflicts with the database) before anything is written; any error
/// is reported with its line number and nothing is imported.
/// </summary>
public static class ConstituentImport
{
    /// <summary>One row of the input, with the line it started on.</summary>
    public sealed record Row(int Line, ConstituentRequest Request);

    public static Command Command()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .csv or .json file (format: docs/cli.md#constituent-import)." };
        var format = new Option<string?>("--format") { Description = "csv or json (default: from the file extension)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check everything, import nothing." };
        var import = new Command("import", "Import constituents with their contacts and scopes, all or nothing.") { file, format, dryRun };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return Identity.IdentityCommands.Fail($"{path.FullName} does not exist.");
            }
            var kind = (parse.GetValue(format) ?? path.Extension.TrimStart('.')).ToLowerInvariant();
            List<Row> rows;
            var errors = new List<string>();
            try
            {
                rows = kind switch
                {
                    "csv" => ReadCsv(path.FullName, errors),
                    "json" => ReadJson(path.FullName, errors),
                    _ => throw new FormatException($"Unknown format '{kind}': use --format csv or json."),
                };
            }
            catch (Exception e) when (e is FormatException or JsonException or CsvHelperException or IOException)
            {
                return Identity.IdentityCommands.Fail(e.Message);
            }

            await using var app = VigieCli.BuildHost(parse);
            await using var scope = app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<ConstituentService>();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();

            var built = new List<(Row Row, Constituent Constituent)>();
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var check = progress.AddTask("Checking", maxValue: Math.Max(1, rows.Count));
                foreach (var row in rows)
                {
                    var result = service.Build(row.Request);
                    if (result.IsSuccess)
                    {
                        built.Add((row, result.Value!));
                    }
                    else
                    {
                        errors.AddRange(Describe(row.Line, result.Error!));
                    }
                    check.Increment(1);
                }
                var conflicts = await service.CheckConflictsAsync([.. built.Select(b => b.Constituent)], ct,
                    i => $"line {built[i].Row.Line}: ");
                errors.AddRange(Describe(null, conflicts.ToError()));

                if (errors.Count == 0 && !parse.GetValue(dryRun))
                {
                    var write = progress.AddTask("Importing", maxValue: 1);
                    db.Constituents.AddRange(built.Select(b => b.Constituent));
                    // One SaveChanges is one transaction: all rows or none.
                    await db.SaveChangesAsync(ct);
                    service.RememberKeys(built.SelectMany(b => b.Constituent.Contacts));
                    write.Increment(1);
                }
            });

            if (errors.Count > 0)
            {
                Console.Error.WriteLine($"error: {path.Name} has {errors.Count} problem(s); nothing was imported.");
                foreach (var line in errors.OrderBy(LineOf))
                {
                    Console.Error.WriteLine("  " + line);
                }
                return 1;
            }
            Console.WriteLine(parse.GetValue(dryRun)
                ? $"{built.Count} constituent(s) checked, none imported (--dry-run)."
                : $"{built.Count} constituent(s) imported with {built.Sum(b => b.Constituent.Contacts.Count)} contact(s) and {built.Sum(b => b.Constituent.Scopes.Count)} scope entries.");
            return 0;
        });
        return new Command("constituent", "Manage constituents.") { import };
    }

    /// <summary>
    /// CSV with a header row: name, kind, contract_reference, contract_tier, on_site_support,
    /// cidrs, asns, domains (space or ';' separated), contacts (an RFC 5322 address list:
    /// <c>Jane Doe &lt;jane@example.com&gt;, SOC &lt;soc@example.com&gt;</c>), notes.
    /// </summary>
    public static List<Row> ReadCsv(string path, List<string> errors)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            DetectDelimiter = true,
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader())
        {
            throw new FormatException($"{Path.GetFileName(path)} is empty: a header row is required.");
        }
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var required in new[] { "name", "kind" })
        {
            if (!header.Contains(required))
            {
                throw new FormatException($"line 1: the header has no '{required}' column (found: {string.Join(", ", header)}).");
            }
        }
        var known = new[] { "name", "kind", "contract_reference", "contract_tier", "on_site_support", "cidrs", "asns", "domains", "contacts", "notes" };
        if (header.Except(known).ToArray() is { Length: > 0 } unknown)
        {
            throw new FormatException($"line 1: unknown column(s) {string.Join(", ", unknown)}; known: {string.Join(", ", known)}.");
        }

        var rows = new List<Row>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            string? Get(string column) => header.Contains(column) && csv.GetField(column) is { Length: > 0 } v ? v : null;

            var rowErrors = new List<string>();
            var onSite = false;
            if (Get("on_site_support") is { } flag && !TryBool(flag, out onSite))
            {
                rowErrors.Add($"line {line}: on_site_support: '{flag}' is not yes/no/true/false.");
            }
            ContractDto? contract = Get("contract_reference") is not null || Get("contract_tier") is not null || onSite
                ? new ContractDto(Get("contract_reference"), Get("contract_tier"), onSite) : null;
            var scopes = Split(Get("cidrs")).Select(v => new ScopeRequest("cidr", v))
                .Concat(Split(Get("asns")).Select(v => new ScopeRequest("asn", v)))
                .Concat(Split(Get("domains")).Select(v => new ScopeRequest("domain", v))).ToList();
            var contacts = new List<ContactRequest>();
            if (Get("contacts") is { } list)
            {
                if (InternetAddressList.TryParse(list, out var addresses))
                {
                    contacts.AddRange(addresses.Mailboxes.Select(m =>
                        new ContactRequest(string.IsNullOrWhiteSpace(m.Name) ? m.Address : m.Name, m.Address, "security", null, null)));
                }
                else
                {
                    rowErrors.Add($"line {line}: contacts: '{list}' is not a list of addresses like 'Jane Doe <jane@example.com>, soc@example.com'.");
                }
            }
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors);
                continue;
            }
            rows.Add(new Row(line, new ConstituentRequest(Get("name"), Get("kind"), contract, Get("notes"), contacts, scopes)));
        }
        return rows;
    }

    /// <summary>JSON: an array of objects shaped like the API's ConstituentRequest.</summary>
    public static List<Row> ReadJson(string path, List<string> errors)
    {
        var bytes = File.ReadAllBytes(path);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var rows = new List<Row>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("line 1: the JSON file must hold an array of constituents.");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var line = LineAt(bytes, reader.TokenStartIndex);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                errors.Add($"line {line}: expected an object.");
                reader.Skip();
                continue;
            }
            try
            {
                rows.Add(new Row(line, JsonSerializer.Deserialize<ConstituentRequest>(ref reader, options)!));
            }
            catch (JsonException e)
            {
                throw new FormatException($"line {line + (int)(e.LineNumber ?? 0)}: {e.Message.Split(" Path:")[0]}", e);
            }
        }
        return rows;
    }

    private static IEnumerable<string> Describe(int? line, Error? error)
    {
        if (error?.Fields is null)
        {
            yield break;
        }
        foreach (var (field, messages) in error.Fields)
        {
            foreach (var m in messages)
            {
                yield return line is null ? $"{field}: {m}" : $"line {line}: {field}: {m}";
            }
        }
    }

    private static int LineOf(string message) =>
        message.StartsWith("line ", StringComparison.Ordinal)
        && int.TryParse(message.AsSpan(5, message.IndexOf(':', StringComparison.Ordinal) - 5), CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static int LineAt(byte[] bytes, long offset) => 1 + bytes.AsSpan(0, (int)offset).Count((byte)'\n');

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool TryBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "yes" or "y" or "true" or "1" or "oui": value = true; return true;
            case "no" or "n" or "false" or "0" or "non" or "": value = false; return true;
            default: value = false; return false;
        }
    }
}
