using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fluid;

namespace Vigie.Features.Intake.Answers;

/// <summary>
/// The Liquid templates of the answers: the defaults built into the binary, each overridable by a file of
/// the same name in the operator's template directory. Overrides are parsed once per version of the
/// file (path, modification time and length), so an edit takes effect on the next answer without a
/// restart. A file that does not parse is reported once, by name and line, and the default is used
/// until it is fixed: a typo must not stop the team from answering.
/// </summary>
internal sealed partial class AnswerTemplates(string directory, ILogger logger)
{
    /// <summary>Prefix of the embedded resources (LogicalName in Vigie.csproj).</summary>
    internal const string ResourcePrefix = "Vigie.Answers.Templates.";

    // FluidParser and parsed templates are thread-safe (Fluid README, "Thread-safety").
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate?> Defaults = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, OverrideEntry> _overrides = new(StringComparer.Ordinal);

    /// <summary>The directory searched for overrides.</summary>
    public string Directory { get; } = directory;

    /// <summary>File (and resource) name of a template: <c>acknowledgement.fr.liquid</c>.</summary>
    public static string FileName(AnswerKind kind, string language) => $"{Slug(kind)}.{language}.liquid";

    /// <summary>The kebab-case name of a kind in file names.</summary>
    public static string Slug(AnswerKind kind) => kind switch
    {
        AnswerKind.Acknowledgement => "acknowledgement",
        AnswerKind.Redirection => "redirection",
        AnswerKind.RequestReceived => "request-received",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown answer kind."),
    };

    /// <summary>The built-in template, or null when none ships for that language.</summary>
    public static IFluidTemplate? Default(AnswerKind kind, string language) => Defaults.GetOrAdd(FileName(kind, language), static name =>
    {
        using var stream = typeof(AnswerTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        // A default that does not parse is a bug of the build, caught by the tests: fail loudly.
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"The built-in answer template {name} does not parse: {error}");
    });

    /// <summary>The operator's template for <paramref name="kind"/> in <paramref name="language"/>, if a valid one exists.</summary>
    public IFluidTemplate? Override(AnswerKind kind, string language)
    {
        // Languages come from the validated profile (two or three letters), but a name must never walk out of the directory.
        if (!LanguageCode().IsMatch(language))
        {
            return null;
        }

        var path = Path.Combine(Directory, FileName(kind, language));
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            _overrides.TryRemove(path, out _);
            return null;
        }

        if (_overrides.TryGetValue(path, out var cached) && cached.WrittenAt == file.LastWriteTimeUtc && cached.Length == file.Length)
        {
            return cached.Template;
        }

        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not cached: the next answer tries again (the file may be in the middle of a save).
            logger.LogWarning(ex, "Answer template {Path} cannot be read; the built-in template is used.", path);
            return null;
        }

        IFluidTemplate? template = null;
        if (Parser.TryParse(source, out var parsed, out var error))
        {
            template = parsed;
            logger.LogInformation("Answer template {Path} loaded; it replaces the built-in template.", path);
        }
        else
        {
            var (line, column) = FluidErrors.Position(error);
            logger.LogError(
                "Answer template {Path} has an error at line {Line}, column {Column}: {Error} The built-in template is used until the file is fixed.",
                path, line, column, FluidErrors.FirstLine(error));
        }

        _overrides[path] = new OverrideEntry(file.LastWriteTimeUtc, file.Length, template);
        return template;
    }

    /// <summary>Reports a template that parsed but failed while rendering (too many steps…); the caller falls back to the default.</summary>
    public void ReportRenderFailure(AnswerKind kind, string language, Exception ex) =>
        logger.LogError(ex, "Answer template {Path} failed to render; the built-in template is used.", Path.Combine(Directory, FileName(kind, language)));

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();

    private sealed record OverrideEntry(DateTime WrittenAt, long Length, IFluidTemplate? Template);
}
