using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Vigie.Core;
using Vigie.Features.Identity;
using Vigie.Features.TeamProfile;
using Vigie.Web;

namespace Vigie.Features.PublicSite;

/// <summary>A version as the API lists it.</summary>
public sealed record Rfc2350VersionDto(string Version, string Language, DateOnly Date, string Changes, bool Signed, string KeyFingerprint, DateTimeOffset PublishedAt);

/// <summary>What to publish: the description of the changes per language, an optional number.</summary>
public sealed record Rfc2350PublishRequest(Dictionary<string, string>? Changes, string? Version, bool AllowUnchanged);

public static class Rfc2350Api
{
    private const string TextType = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapRfc2350(this IEndpointRouteBuilder app)
    {
        // Public files, served without sign-in. The text is served byte for byte as signed.
        app.MapGet("/rfc2350", Home).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/rfc2350-{lang:length(2)}.txt", (string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, null, lang, Part.Text, ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/rfc2350-{lang:length(2)}.txt.asc", (string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, null, lang, Part.ClearSigned, ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/rfc2350-{lang:length(2)}.txt.sig", (string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, null, lang, Part.Signature, ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/{version}/rfc2350-{lang:length(2)}.txt", (string version, string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, version, lang, Part.Text, ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/{version}/rfc2350-{lang:length(2)}.txt.asc", (string version, string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, version, lang, Part.ClearSigned, ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/rfc2350/{version}/rfc2350-{lang:length(2)}.txt.sig", (string version, string lang, Rfc2350Service s, CancellationToken ct) => FileAsync(s, version, lang, Part.Signature, ct))
            .AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/api/v1/rfc2350/versions", List).WithTags("Public site").RequireAuthorization(Policies.Read)
            .WithSummary("The published versions of the RFC 2350 document, newest first, per language.");
        app.MapGet("/api/v1/rfc2350/draft", Draft).WithTags("Public site").RequireAuthorization(Policies.Read)
            .WithSummary("The text the current team profile gives (lang=fr|en), and whether it differs from the latest published version.");
        app.MapPost("/api/v1/rfc2350/versions", Publish).WithTags("Public site").RequireAuthorization(Policies.Publish)
            .WithSummary("Publish a new version: {\"changes\": {\"fr\": \"…\", \"en\": \"…\"}, \"version\": \"1.1\" (optional), \"allowUnchanged\": false}.");
        return app;
    }

    private enum Part
    {
        Text,
        ClearSigned,
        Signature,
    }

    /// <summary>/rfc2350 → the page in the reader's language when the document has it, else in the profile's first language.</summary>
    private static RedirectHttpResult Home(HttpContext http, Rfc2350Service service)
    {
        var culture = http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.TwoLetterISOLanguageName;
        var language = service.IsLanguage(culture) ? culture! : service.Languages[0];
        return TypedResults.Redirect($"/rfc2350/{language}");
    }

    private static async Task<IResult> FileAsync(Rfc2350Service service, string? version, string lang, Part part, CancellationToken ct)
    {
        lang = lang.ToLowerInvariant();
        if (!service.IsLanguage(lang))
        {
            return Missing($"The RFC 2350 document is not published in '{lang}'.");
        }
        var found = version is null ? await service.LatestAsync(lang, ct) : await service.GetAsync(version, lang, ct);
        if (found is null)
        {
            return Missing($"Version {version} of the RFC 2350 document was not published.");
        }
        var content = part switch
        {
            Part.Text => found.Text,
            Part.ClearSigned => found.ClearSigned,
            _ => found.DetachedSignature,
        };
        if (content is null)
        {
            return Missing($"Version {found.Version} is not signed: the team has no OpenPGP key matching the fingerprint it states ({found.KeyFingerprint}).");
        }
        var type = part == Part.Signature ? "application/pgp-signature" : TextType;
        return TypedResults.Bytes(Encoding.UTF8.GetBytes(content), type);
    }

    private static IResult Missing(string message) => TypedResults.Text(message + "\n", TextType, Encoding.UTF8, StatusCodes.Status404NotFound);

    internal static async Task<Ok<List<Rfc2350VersionDto>>> List(Rfc2350Service service, CancellationToken ct)
    {
        await service.EnsurePublishedAsync(ct);
        var all = new List<Rfc2350VersionDto>();
        foreach (var language in service.Languages)
        {
            all.AddRange((await service.ListAsync(language, ct)).Select(v =>
                new Rfc2350VersionDto(v.Version, v.Language, v.Date, v.Changes, v.ClearSigned is not null, v.KeyFingerprint, v.PublishedAt)));
        }
        return TypedResults.Ok(all.OrderByDescending(v => v.PublishedAt).ThenBy(v => v.Language, StringComparer.Ordinal).ToList());
    }

    public sealed record DraftDto(string Language, bool Changed, string Text);

    internal static async Task<Results<Ok<DraftDto>, ProblemHttpResult>> Draft(string? lang, Rfc2350Service service, CancellationToken ct)
    {
        var language = (lang ?? service.Languages[0]).ToLowerInvariant();
        if (!service.IsLanguage(language))
        {
            return Error.Validation("lang", $"'{lang}' is not one of the document's languages ({string.Join(", ", service.Languages)}).").ToProblem();
        }
        var text = Rfc2350TextRenderer.Render(await service.DraftAsync(language, ct));
        var changed = (await service.ChangesAsync(ct)).Any(c => c.Language == language);
        return TypedResults.Ok(new DraftDto(language, changed, text));
    }

    internal static async Task<Results<Created<Rfc2350Published>, ProblemHttpResult>> Publish(Rfc2350PublishRequest request, Rfc2350Service service,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var changes = new LocalizedText();
        foreach (var (language, text) in request.Changes ?? [])
        {
            changes[language] = text;
        }
        var result = await service.PublishAsync(request.Version, changes, request.AllowUnchanged, user.Actor(), ct);
        return result.IsSuccess
            ? TypedResults.Created($"/rfc2350/{service.Languages[0]}/v/{result.Value!.Version}", result.Value)
            : result.Error!.ToProblem();
    }
}
