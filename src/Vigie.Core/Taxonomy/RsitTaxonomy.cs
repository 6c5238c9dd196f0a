using System.Collections.Frozen;
using System.Text.Json;

namespace Vigie.Core.Taxonomy;

/// <summary>One RSIT classification (e.g. <c>intrusions</c>) with its types.</summary>
public sealed record RsitClass(string Value, string Label, string Description, IReadOnlyList<RsitType> Types);

/// <summary>One RSIT incident type (e.g. <c>intrusions</c> / <c>system-compromise</c>).</summary>
public sealed record RsitType(string Class, string Value, string Label, string Description);

/// <summary>
/// The Reference Security Incident Taxonomy (ENISA RSIT, MISP machinetag copy shipped as a resource:
/// Taxonomy/rsit.machinetag.json, CC0-1.0 OR BSD-2-Clause). Classes and types are identified by their
/// machinetag values, which is what MISP, IntelMQ and other CSIRTs exchange.
/// </summary>
public sealed class RsitTaxonomy
{
    private static readonly Lazy<RsitTaxonomy> s_default = new(LoadEmbedded);
    private readonly FrozenDictionary<string, RsitClass> _classes;

    private RsitTaxonomy(int version, IReadOnlyList<RsitClass> classes)
    {
        Version = version;
        Classes = classes;
        _classes = classes.ToFrozenDictionary(c => c.Value, StringComparer.Ordinal);
    }

    /// <summary>The taxonomy shipped with Vigie.</summary>
    public static RsitTaxonomy Default => s_default.Value;

    /// <summary>The machinetag version of the shipped copy.</summary>
    public int Version { get; }

    public IReadOnlyList<RsitClass> Classes { get; }

    public RsitClass? FindClass(string? value) =>
        value is not null && _classes.TryGetValue(value, out var c) ? c : null;

    /// <summary>
    /// Checks a class/type pair. A type without a class is refused, a class without a type is
    /// allowed (an incident is often classified before its exact type is known).
    /// </summary>
    public Error? Validate(string? classValue, string? typeValue)
    {
        if (classValue is null)
        {
            return typeValue is null ? null
                : Error.Validation("rsitClass", "An RSIT type needs its class.");
        }

        var rsitClass = FindClass(classValue);
        if (rsitClass is null)
        {
            return Error.Validation("rsitClass",
                $"'{classValue}' is not an RSIT class. Allowed values: {string.Join(", ", Classes.Select(c => c.Value))}.");
        }

        if (typeValue is not null && rsitClass.Types.All(t => t.Value != typeValue))
        {
            return Error.Validation("rsitType",
                $"'{typeValue}' is not an RSIT type of class '{classValue}'. Allowed values: {string.Join(", ", rsitClass.Types.Select(t => t.Value))}.");
        }

        return null;
    }

    /// <summary>Parses a MISP machinetag document (the shipped one, or an operator's newer copy).</summary>
    public static RsitTaxonomy Parse(Stream json)
    {
        var doc = JsonSerializer.Deserialize<MachineTag>(json, s_json)
            ?? throw new InvalidDataException("The RSIT machinetag document is empty.");
        var classes = doc.Predicates.Select(p =>
        {
            var entries = doc.Values.FirstOrDefault(v => v.Predicate == p.Value)?.Entry ?? [];
            var types = entries.Select(e => new RsitType(p.Value, e.Value, e.Expanded ?? e.Value, e.Description ?? "")).ToList();
            return new RsitClass(p.Value, p.Expanded ?? p.Value, p.Description ?? "", types);
        }).ToList();
        return new RsitTaxonomy(doc.Version, classes);
    }

    private static RsitTaxonomy LoadEmbedded()
    {
        using var stream = typeof(RsitTaxonomy).Assembly.GetManifestResourceStream("Vigie.Core.Taxonomy.rsit.machinetag.json")
            ?? throw new InvalidOperationException("The RSIT taxonomy resource is missing from Vigie.Core.");
        return Parse(stream);
    }

    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private sealed record MachineTag(int Version, List<Tag> Predicates, List<ValueGroup> Values);
    private sealed record Tag(string Value, string? Expanded, string? Description);
    private sealed record ValueGroup(string Predicate, List<Tag> Entry);
}
