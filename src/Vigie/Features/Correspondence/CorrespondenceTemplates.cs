using System.Collections.Concurrent;
using System.Globalization;
using Fluid;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Intake.Answers;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Correspondence;

/// <summary>A template's two parts, as Liquid source.</summary>
public sealed record TemplateSource(string Key, string Language, string Subject, string Body, bool Edited, string? UpdatedBy, DateTimeOffset? UpdatedAt);

/// <summary>What a template is rendered with (docs/correspondence.md lists the placeholders).</summary>
public sealed record TemplateModel(
    string IncidentNumber,
    string IncidentTitle,
    Tlp Tlp,
    string? ConstituentName,
    IReadOnlyList<(string Kind, string Value)> Observables,
    string PartyName,
    string PartyEmail,
    PartyKind PartyKind,
    string AnalystFullName,
    string AnalystEmail);

/// <summary>A rendered message: one subject line and a plain-text body.</summary>
public sealed record RenderedText(string Subject, string Body);

/// <summary>
/// The correspondence templates: a default for each key and language ships in the binary
/// (Features/Correspondence/Templates/KEY.LANG.liquid: first line the subject, a blank line, then the
/// body); leads and admins edit them on /correspondence/templates, and the edited version is kept in
/// the database (so every node of a cluster uses the same). Liquid (Fluid) with strict variables and
/// filters: a typo is an error shown to the editor, never a silently empty placeholder.
/// </summary>
public sealed class CorrespondenceTemplates(VigieDb db, IOptions<TeamProfileOptions> team, AnswerComposer composer, TimeProvider time)
{
    /// <summary>The shipped templates, in the order the UI lists them.</summary>
    public static readonly IReadOnlyList<string> Keys =
        ["notify-constituent", "abuse-request", "csirt-coordination", "authority-notification", "reporter-update"];

    /// <summary>Languages a template is written in.</summary>
    public static readonly IReadOnlyList<string> Languages = ["fr", "en"];

    /// <summary>The line between the two languages of a bilingual message.</summary>
    public const string LanguageSeparator = AnswerComposer.LanguageSeparator;

    internal const string ResourcePrefix = "Vigie.Correspondence.Templates.";

    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, (string Subject, string Body)> Defaults = new(StringComparer.Ordinal);

    public static bool IsKey(string? key) => key is not null && Keys.Contains(key);

    public static bool IsLanguage(string? language) => language is not null && Languages.Contains(language);

    /// <summary>The template a party kind usually gets (the compose form preselects it).</summary>
    public static string SuggestedKey(PartyKind kind) => kind switch
    {
        PartyKind.Reporter => "reporter-update",
        PartyKind.AbuseDesk => "abuse-request",
        PartyKind.Csirt => "csirt-coordination",
        PartyKind.Authority => "authority-notification",
        _ => "notify-constituent",
    };

    /// <summary>The shipped version of a template.</summary>
    public static (string Subject, string Body) Default(string key, string language)
    {
        if (!IsKey(key) || !IsLanguage(language))
        {
            throw new ArgumentException($"No template {key}.{language}.");
        }
        return Defaults.GetOrAdd($"{key}.{language}.liquid", static name =>
        {
            using var stream = typeof(CorrespondenceTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"The built-in correspondence template {name} is missing from the build.");
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().ReplaceLineEndings("\n");
            var split = text.IndexOf("\n\n", StringComparison.Ordinal);
            return split < 0 ? (text.Trim(), "") : (text[..split].Trim(), text[(split + 2)..]);
        });
    }

    /// <summary>The template in use: the edited one if any, else the default.</summary>
    public async Task<TemplateSource> GetAsync(string key, string language, CancellationToken ct)
    {
        var edited = await db.CorrespondenceTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key && t.Language == language, ct);
        if (edited is not null)
        {
            return new TemplateSource(key, language, edited.Subject, edited.Body, true, edited.UpdatedBy, edited.UpdatedAt);
        }
        var (subject, body) = Default(key, language);
        return new TemplateSource(key, language, subject, body, false, null, null);
    }

    /// <summary>Every template, edited or default.</summary>
    public async Task<List<TemplateSource>> ListAsync(CancellationToken ct)
    {
        var edited = await db.CorrespondenceTemplates.AsNoTracking().ToListAsync(ct);
        var list = new List<TemplateSource>();
        foreach (var key in Keys)
        {
            foreach (var language in Languages)
            {
                var e = edited.FirstOrDefault(t => t.Key == key && t.Language == language);
                var (subject, body) = Default(key, language);
                list.Add(e is null
                    ? new TemplateSource(key, language, subject, body, false, null, null)
                    : new TemplateSource(key, language, e.Subject, e.Body, true, e.UpdatedBy, e.UpdatedAt));
            }
        }
        return list;
    }

    /// <summary>
    /// Saves an edited template after checking that both parts parse and render with sample values;
    /// the error names the part, the line and the column.
    /// </summary>
    public async Task<Error?> SaveAsync(string key, string language, string? subject, string? body, string actor, CancellationToken ct)
    {
        if (!IsKey(key) || !IsLanguage(language))
        {
            return Error.NotFound($"Template {key}.{language}");
        }
        var errors = new FieldErrors();
        subject = subject?.Trim() ?? "";
        body = (body ?? "").ReplaceLineEndings("\n");
        if (subject.Length is 0 or > 998 || subject.Contains('\n', StringComparison.Ordinal))
        {
            errors.Add("subject", "The subject is one line of 1 to 998 characters.");
        }
        if (body.Trim().Length == 0 || body.Length > 100_000)
        {
            errors.Add("body", "The body holds 1 to 100,000 characters.");
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }
        var rendered = Render(new TemplateSource(key, language, subject, body, true, null, null), SampleModel, language);
        if (!rendered.IsSuccess)
        {
            return rendered.Error;
        }

        var now = time.GetUtcNow().ToUniversalTime();
        var row = await db.CorrespondenceTemplates.FirstOrDefaultAsync(t => t.Key == key && t.Language == language, ct);
        if (row is null)
        {
            row = new CorrespondenceTemplate { Key = key, Language = language };
            db.CorrespondenceTemplates.Add(row);
        }
        row.Subject = subject;
        row.Body = body;
        row.UpdatedBy = actor;
        row.UpdatedAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Goes back to the shipped version.</summary>
    public async Task ResetAsync(string key, string language, CancellationToken ct) =>
        await db.CorrespondenceTemplates.Where(t => t.Key == key && t.Language == language).ExecuteDeleteAsync(ct);

    /// <summary>
    /// Renders <paramref name="key"/> in <paramref name="language"/>: <c>fr</c>, <c>en</c>, or <c>both</c>
    /// (French then English in one body, under the French subject).
    /// </summary>
    public async Task<Result<RenderedText>> RenderAsync(string key, string language, TemplateModel model, CancellationToken ct)
    {
        if (!IsKey(key))
        {
            return Error.Validation("template", $"'{key}' is not a template. Allowed values: {string.Join(", ", Keys)}.");
        }
        if (language == "both")
        {
            var fr = Render(await GetAsync(key, "fr", ct), model, "fr");
            if (!fr.IsSuccess)
            {
                return fr;
            }
            var en = Render(await GetAsync(key, "en", ct), model, "en");
            if (!en.IsSuccess)
            {
                return en;
            }
            return new RenderedText(fr.Value!.Subject, $"{fr.Value.Body}\n\n{LanguageSeparator}\n\n{en.Value!.Body}");
        }
        if (!IsLanguage(language))
        {
            return Error.Validation("language", "The language is fr, en or both.");
        }
        return Render(await GetAsync(key, language, ct), model, language);
    }

    /// <summary>Renders one template; a parse or render error is a validation error on "subject" or "body".</summary>
    public Result<RenderedText> Render(TemplateSource source, TemplateModel model, string language)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(model);
        var variables = Variables(model, language);
        var subject = RenderPart(source.Subject, "subject", variables, language);
        if (!subject.IsSuccess)
        {
            return subject.Error!;
        }
        var body = RenderPart(source.Body, "body", variables, language);
        if (!body.IsSuccess)
        {
            return body.Error!;
        }
        return new RenderedText(AnswerText.SingleLine(subject.Value, 998), body.Value!.Trim('\n') + "\n");
    }

    /// <summary>Values the template editor checks a template with.</summary>
    public static TemplateModel SampleModel { get; } = new("2026-0042", "Phishing page on www.example.org", Tlp.Amber, "Example SA",
        [("ipv4", "203.0.113.7"), ("url", "https://www.example.org/login")], "Jane Roe", "jane.roe@example.org", PartyKind.ConstituentContact,
        "Alex Analyst", "alex@csirt.example");

    /// <summary>The TLP 2.0 rule of a label, in one sentence of the language (it heads every template).</summary>
    public static string TlpNotice(Tlp tlp, string language) => (tlp, language) switch
    {
        (Tlp.Clear, "fr") => "TLP:CLEAR : diffusion libre, sans limitation.",
        (Tlp.Clear, _) => "TLP:CLEAR: recipients can spread this to the world, there is no limit on disclosure.",
        (Tlp.Green, "fr") => "TLP:GREEN : diffusion limitée à votre communauté, jamais par un canal public.",
        (Tlp.Green, _) => "TLP:GREEN: limited disclosure, you may spread this within your community, not via publicly accessible channels.",
        (Tlp.Amber, "fr") => "TLP:AMBER : diffusion limitée, à ne partager qu'au sein de votre organisation et de ses clients, selon le besoin d'en connaître.",
        (Tlp.Amber, _) => "TLP:AMBER: limited disclosure, you may share this only on a need-to-know basis within your organisation and its clients.",
        (Tlp.AmberStrict, "fr") => "TLP:AMBER+STRICT : à ne partager qu'au sein de votre organisation, selon le besoin d'en connaître.",
        (Tlp.AmberStrict, _) => "TLP:AMBER+STRICT: you may share this only on a need-to-know basis within your organisation.",
        (Tlp.Red, "fr") => "TLP:RED : réservé à ses seuls destinataires nommés, aucune diffusion.",
        (Tlp.Red, _) => "TLP:RED: for the eyes and ears of individual recipients only, no further disclosure.",
        _ => tlp.ToLabel(),
    };

    private Dictionary<string, object?> Variables(TemplateModel model, string language)
    {
        var t = team.Value;
        var website = AnswerText.SingleLine(t.OtherInformation.Url ?? t.Document.Locations.FirstOrDefault());
        var fingerprint = AnswerFormat.Fingerprint(t.PublicKey.NormalizedFingerprint);
        var signature = string.Join("\n", new[]
        {
            AnswerText.SingleLine(t.Name),
            AnswerText.SingleLine(t.IncidentEmail),
            website,
            fingerprint.Length > 0 ? (language == "fr" ? "Empreinte OpenPGP : " : "OpenPGP fingerprint: ") + fingerprint : "",
        }.Where(l => l.Length > 0));
        var observables = model.Observables.Select(o => new Dictionary<string, object?> { ["kind"] = o.Kind, ["value"] = o.Value }).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["language"] = language,
            ["incident"] = new Dictionary<string, object?>
            {
                ["number"] = model.IncidentNumber,
                ["title"] = AnswerText.SingleLine(model.IncidentTitle, 300),
                ["tlp"] = model.Tlp.ToLabel(),
            },
            ["tlp_notice"] = TlpNotice(model.Tlp, language),
            ["tracking_tag"] = composer.TrackingTag(model.IncidentNumber),
            ["constituent"] = new Dictionary<string, object?> { ["name"] = AnswerText.SingleLine(model.ConstituentName, 200) },
            ["observables"] = observables,
            ["observables_list"] = string.Join("\n", model.Observables.Select(o => $"- {o.Kind}: {o.Value}")),
            ["party"] = new Dictionary<string, object?>
            {
                ["name"] = AnswerText.SingleLine(model.PartyName, 200),
                ["email"] = model.PartyEmail,
                ["kind"] = EnumWords.ToWord(model.PartyKind),
            },
            ["analyst"] = new Dictionary<string, object?>
            {
                ["full_name"] = AnswerText.SingleLine(model.AnalystFullName, 200),
                ["email"] = model.AnalystEmail,
            },
            ["team"] = new Dictionary<string, object?>
            {
                ["name"] = AnswerText.SingleLine(t.Name),
                ["email"] = AnswerText.SingleLine(t.IncidentEmail),
                ["website"] = website,
                ["key_fingerprint"] = fingerprint,
                ["signature"] = signature,
            },
        };
    }

    private Result<string> RenderPart(string source, string part, Dictionary<string, object?> variables, string language)
    {
        if (!Parser.TryParse(source, out var template, out var error))
        {
            var (line, column) = FluidErrors.Position(error);
            return Error.Validation(part, $"The {part} of the template does not parse (line {line}, column {column}): {FluidErrors.FirstLine(error)}");
        }
        var options = new TemplateOptions
        {
            CultureInfo = CultureInfo.GetCultureInfo(language == "fr" ? "fr-FR" : "en-GB"),
            Now = () => time.GetUtcNow(),
            MaxSteps = 100_000,
            MaxRecursion = 10,
            FileProvider = new NullFileProvider(),
            StrictVariables = true,
            StrictFilters = true,
        };
        var context = new TemplateContext(options);
        foreach (var (name, value) in variables)
        {
            context.SetValue(name, value);
        }
        try
        {
            // Plain text: no HTML encoding (the body is a text/plain MIME part).
            return template.Render(context, NullEncoder.Default);
        }
        catch (Exception ex) when (ex is FluidException or InvalidOperationException or ArgumentException or FormatException)
        {
            return Error.Validation(part, $"The {part} of the template cannot be rendered: {FluidErrors.FirstLine(ex.Message)}");
        }
    }
}
