using System.Globalization;
using System.Text.Json;
using MimeKit;
using Vigie.Features.Intake.Parsing;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// X-ARF. Versions 0.1/0.2 (x-arf.org): a mail with an <c>X-XARF</c> or <c>X-ARF</c> header whose second
/// part is a YAML report (<c>report.txt</c>: Report-Type, Source, Source-Type, Date…). XARF 3 and 4
/// (abusix, xarf.org): a JSON report (<c>Version</c> + <c>Report</c>, or <c>xarf_version</c>), recognised
/// by its keys in a JSON part even without the header.
/// YAML is read with YamlDotNet's event parser only (no object deserialisation, so no type activation
/// from tags; aliases are not expanded); both readers walk under a field and depth budget.
/// </summary>
internal static class XarfReader
{
    private static readonly JsonDocumentOptions s_json = new()
    {
        MaxDepth = 32,
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static RecognizedFormat? Read(MimeMessage message, MimeEntity body, ICollection<string> unusable)
    {
        var header = message.Headers.Any(h => h.Field.Equals("X-XARF", StringComparison.OrdinalIgnoreCase)
            || h.Field.Equals("X-ARF", StringComparison.OrdinalIgnoreCase));
        var problems = new List<string>();
        var records = new List<FormatRecord>();
        string? subtype = null;
        var leaves = ReportParts.Leaves(body).ToList();

        foreach (var part in leaves.Where(p => IsJson(p) || (header && p is TextPart)))
        {
            if (records.Count >= 100)
            {
                break;
            }
            if (part is TextPart && !IsJson(part) && !StartsWithBrace(part))
            {
                continue;
            }
            var text = FieldBlock.ReadText(part, problems, "X-ARF JSON report");
            // Broken JSON is only worth a problem when it was meant to be a report.
            var meant = header || (text?.Contains("xarf", StringComparison.OrdinalIgnoreCase) ?? false)
                || (text?.Contains("ReporterInfo", StringComparison.Ordinal) ?? false);
            if (text is null || ReadJson(text, meant ? problems : []) is not { } report)
            {
                continue;
            }
            records.Add(new FormatRecord(records.Count + 1, report.Fields));
            subtype ??= report.Subtype;
        }
        if (records.Count > 0)
        {
            return new RecognizedFormat("xarf", subtype, records, null, problems);
        }
        if (!header)
        {
            foreach (var problem in problems)
            {
                unusable.Add(problem);
            }
            return null;
        }

        // X-ARF 0.2 §4: part 1 is for people, part 2 is the report, part 3 the evidence.
        var yamlPart = leaves.OfType<TextPart>().FirstOrDefault(p => p.FileName is { } name
                && (name.Equals("report.txt", StringComparison.OrdinalIgnoreCase)
                    || name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                    || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            ?? leaves.OfType<TextPart>().Skip(1).FirstOrDefault(LooksLikeYamlReport);
        if (yamlPart is null)
        {
            unusable.Add("The message has an X-ARF header but no report part.");
            return null;
        }
        var yaml = FieldBlock.ReadText(yamlPart, problems, "X-ARF report");
        if (yaml is not null)
        {
            foreach (var fields in ReadYaml(yaml, problems))
            {
                records.Add(new FormatRecord(records.Count + 1, fields));
                subtype ??= fields.TryGetValue("Report-Type", out var type) && type.Length > 0 ? type : null;
            }
        }
        if (records.Count == 0)
        {
            foreach (var problem in problems)
            {
                unusable.Add(problem);
            }
            unusable.Add("The X-ARF report part has no fields.");
            return null;
        }
        return new RecognizedFormat("xarf", subtype, records, null, problems);
    }

    private static bool IsJson(MimePart part) =>
        part.ContentType.MimeType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
        || (part.FileName?.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool StartsWithBrace(MimePart part) =>
        part is TextPart { Content.Stream: { CanSeek: true } stream } text && stream.Length < ParsingLimits.MaxStructuredPartBytes
        && text.Text.AsSpan().TrimStart().StartsWith("{");

    private static bool LooksLikeYamlReport(TextPart part)
    {
        if (part.Content?.Stream is not { CanSeek: true } stream || stream.Length > ParsingLimits.MaxStructuredPartBytes)
        {
            return false;
        }
        var text = part.Text;
        return text.AsSpan().TrimStart().StartsWith("---")
            || text.Contains("\nReport-Type:", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Report-Type:", StringComparison.OrdinalIgnoreCase);
    }

    private static (Dictionary<string, string> Fields, string? Subtype)? ReadJson(string text, List<string> problems)
    {
        try
        {
            using var document = JsonDocument.Parse(text, s_json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            string? subtype;
            if (root.TryGetProperty("xarf_version", out _))
            {
                var category = Scalar(root, "category");
                var type = Scalar(root, "type");
                subtype = category is null && type is null ? null : $"{category}/{type}";
            }
            else if (root.TryGetProperty("Version", out _) && (root.TryGetProperty("Report", out _) || root.TryGetProperty("ReporterInfo", out _)))
            {
                subtype = root.TryGetProperty("Report", out var report) && report.ValueKind == JsonValueKind.Object ? Scalar(report, "ReportType") : null;
            }
            else
            {
                return null;
            }
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var budget = new Budget();
            Flatten(root, "", fields, budget);
            if (budget.Exceeded)
            {
                problems.Add($"The X-ARF report has more than {MailParsing.Count(ParsingLimits.MaxFieldsPerRecord)} fields; the rest were not read.");
            }
            return (fields, subtype);
        }
        catch (JsonException e)
        {
            problems.Add($"A JSON part is not valid JSON: {e.Message}");
            return null;
        }
    }

    private static string? Scalar(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString()
            : null;

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> fields, Budget budget)
    {
        if (!budget.Take())
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", fields, budget);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, string.Create(CultureInfo.InvariantCulture, $"{prefix}[{i++}]"), fields, budget);
                }
                break;
            case JsonValueKind.String:
                fields[prefix] = FieldBlock.Clip(element.GetString() ?? "");
                break;
            case JsonValueKind.Null:
                fields[prefix] = "";
                break;
            default:
                fields[prefix] = element.GetRawText();
                break;
        }
    }

    private static List<Dictionary<string, string>> ReadYaml(string text, List<string> problems)
    {
        var reports = new List<Dictionary<string, string>>();
        try
        {
            // The event parser is iterative; only this reader recurses, and only MaxNesting deep.
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (reports.Count < 100 && parser.TryConsume<DocumentStart>(out _))
            {
                var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var budget = new Budget();
                ReadNode(parser, "", 0, fields, budget);
                parser.Consume<DocumentEnd>();
                if (budget.Exceeded)
                {
                    problems.Add($"The X-ARF report has more than {MailParsing.Count(ParsingLimits.MaxFieldsPerRecord)} fields or {MaxNesting} levels; the rest were not read.");
                }
                if (fields.Count > 0)
                {
                    reports.Add(fields);
                }
            }
            return reports;
        }
        catch (YamlException e)
        {
            // Senders write "Schema-URL: http: //…" and other near-YAML; the report is still a list
            // of "Key: value" lines, which is what X-ARF 0.x means in practice.
            var parsed = FieldBlock.Parse(text);
            var fields = FieldBlock.Merge(parsed.Groups);
            problems.Add($"The X-ARF report is not valid YAML (line {e.Start.Line}: {e.Message}); it was read line by line.");
            return fields.Count == 0 ? [] : [fields];
        }
    }

    private const int MaxNesting = 32;

    private static void ReadNode(IParser parser, string prefix, int depth, Dictionary<string, string> fields, Budget budget)
    {
        if (depth > MaxNesting || !budget.Take())
        {
            budget.Stop();
            parser.SkipThisAndNestedEvents();
            return;
        }
        if (parser.TryConsume<YamlScalar>(out var scalar))
        {
            fields[prefix] = FieldBlock.Clip(scalar.Value.Trim());
        }
        else if (parser.TryConsume<MappingStart>(out _))
        {
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                string name;
                if (parser.TryConsume<YamlScalar>(out var key))
                {
                    name = key.Value;
                }
                else
                {
                    parser.SkipThisAndNestedEvents();
                    name = "?";
                }
                ReadNode(parser, prefix.Length == 0 ? name : $"{prefix}.{name}", depth + 1, fields, budget);
            }
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            var i = 0;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                ReadNode(parser, string.Create(CultureInfo.InvariantCulture, $"{prefix}[{i++}]"), depth + 1, fields, budget);
            }
        }
        else
        {
            // An alias (*name) is not expanded: expansion is how "billion laughs" documents explode.
            parser.SkipThisAndNestedEvents();
        }
    }

    /// <summary>Nodes visited per report: aliases make a YAML graph, and a graph can be exponential as a tree.</summary>
    private sealed class Budget
    {
        private int _left = ParsingLimits.MaxFieldsPerRecord;

        public bool Exceeded { get; private set; }

        public void Stop() => Exceeded = true;

        public bool Take()
        {
            if (_left-- > 0)
            {
                return true;
            }
            Exceeded = true;
            return false;
        }
    }
}
