using Vigie.Features.Audit;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Web;

namespace Vigie.Features.Evidence;

public sealed record CustodyDto(string Action, string Actor, DateTimeOffset At, string? ClientIp, string? Note);

public sealed record EvidenceDto(Guid Id, string FileName, string DeclaredContentType, long Size, string Sha256, string? Description,
    string AddedBy, DateTimeOffset AddedAt, IReadOnlyList<CustodyDto> Custody);

/// <summary>
/// Evidence endpoints: the API (<c>/api/v1/incidents/{key}/evidence</c>) and the workspace's upload
/// form (<c>POST /incidents/{number}/evidence</c>, which answers with a redirect to the tab).
/// </summary>
public static class EvidenceApi
{
    /// <summary>Room for the multipart framing and the description beside the file itself.</summary>
    public const long FormOverhead = 1024 * 1024;

    public static IEndpointRouteBuilder MapEvidence(this IEndpointRouteBuilder app)
    {
        var max = app.ServiceProvider.GetRequiredService<IOptions<EvidenceOptions>>().Value.MaxBytes;
        var bodyLimit = new RequestSizeLimitAttribute(max + FormOverhead);
        var group = app.MapGroup("/api/v1/incidents/{key}/evidence").WithTags("Evidence").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("The incident's evidence, each with its SHA-256 and chain of custody.");
        // Antiforgery is checked by hand: required with the workspace cookie, meaningless with a Bearer token.
        group.MapPost("/", Upload).RequireAuthorization(Policies.Write).DisableAntiforgery().WithMetadata(bodyLimit)
            .WithSummary("Add an evidence file (multipart/form-data: 'file', optional 'description'), at most Vigie:Evidence:MaxBytes.");
        group.MapGet("/{id:guid}/content", Download).Audited("read", "evidence", "id")
            .WithSummary("Download an evidence file (application/octet-stream, attachment); recorded in its chain of custody.");
        app.MapPost("/incidents/{number}/evidence", UploadForm).RequireAuthorization(Policies.Write).DisableAntiforgery()
            .WithMetadata(bodyLimit).ExcludeFromDescription();
        return app;
    }

    /// <summary>A refused upload as a problem: 413 for a file over the limit, the error's own status otherwise.</summary>
    internal static ProblemHttpResult UploadProblem(Error error)
    {
        var problem = error.ToProblem();
        return error.Code == EvidenceService.TooLargeCode
            ? TypedResults.Problem(problem.ProblemDetails.Detail, statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The evidence file is too large.", extensions: problem.ProblemDetails.Extensions)
            : problem;
    }

    internal static async Task<Results<Ok<List<EvidenceDto>>, ProblemHttpResult>> List(string key, VigieDb db, EvidenceService evidence,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        var items = await evidence.ListAsync(incident.Id, ct);
        return TypedResults.Ok(items.Select(x => x.Item.ToDto(x.Custody)).ToList());
    }

    internal static async Task<Results<Created<EvidenceDto>, ProblemHttpResult>> Upload(string key, HttpContext http, VigieDb db,
        EvidenceService evidence, IAntiforgery antiforgery, IAuthorizationService authorization, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        if (!(await authorization.AuthorizeAsync(user, incident, IncidentOperations.AddEvidence)).Succeeded)
        {
            return new Error(ErrorKind.Forbidden, "forbidden", "You may not change this incident.").ToProblem();
        }
        var added = await ReceiveAsync(http, incident, evidence, antiforgery, user, ct);
        if (!added.IsSuccess)
        {
            return UploadProblem(added.Error!);
        }
        var item = added.Value!;
        var custody = await evidence.ListAsync(incident.Id, ct);
        return TypedResults.Created($"/api/v1/incidents/{incident.Number}/evidence/{item.Id}",
            item.ToDto(custody.First(x => x.Item.Id == item.Id).Custody));
    }

    /// <summary>The workspace form: same checks, then back to the tab with the outcome in the query.</summary>
    internal static async Task<IResult> UploadForm(string number, HttpContext http, VigieDb db, EvidenceService evidence,
        IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(number, ct) is not { } incident)
        {
            return Results.NotFound();
        }
        if (!user.CanChange(incident))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        var added = await ReceiveAsync(http, incident, evidence, antiforgery, user, ct);
        var outcome = added.IsSuccess ? "added" : added.Error!.Code switch
        {
            EvidenceService.TooLargeCode => "too-large",
            "antiforgery" => "expired",
            _ when added.Error.Fields?.ContainsKey("description") == true => "description",
            _ => "no-file",
        };
        http.Response.Headers.Location = $"/incidents/{incident.Number}?tab=evidence&ev={outcome}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(string key, Guid id, HttpContext http, VigieDb db,
        EvidenceService evidence, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        var opened = await evidence.OpenForDownloadAsync(incident, id, user.Actor(), http.Connection.RemoteIpAddress, ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!.ToProblem();
        }
        var (item, content) = opened.Value!;
        // Hostile content: never rendered, never cached on the way (RFC 6266 attachment, with filename*
        // for names beyond ASCII); never sniffed either, like every response (WebSetup).
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(content, "application/octet-stream", item.FileName,
            entityTag: new EntityTagHeaderValue($"\"{item.Sha256}\""));
    }

    /// <summary>
    /// Reads the multipart body (with the endpoint's own size limit, not the 1 MiB default), checks
    /// antiforgery when the request came with the workspace cookie, and stores the file.
    /// </summary>
    internal static async Task<Result<EvidenceItem>> ReceiveAsync(HttpContext http, Core.Incidents.Incident incident, EvidenceService evidence,
        IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return Error.Validation("file", "Send the evidence as multipart/form-data with a 'file' part (and an optional 'description').");
        }
        if (http.Request.ContentLength > evidence.MaxBytes + FormOverhead)
        {
            return evidence.TooLarge(http.Request.ContentLength);
        }
        http.Features.Set<IFormFeature>(new FormFeature(http.Request, new FormOptions
        {
            MultipartBodyLengthLimit = evidence.MaxBytes + FormOverhead,
            BufferBodyLengthLimit = evidence.MaxBytes + FormOverhead,
        }));
        IFormCollection form;
        try
        {
            var cookieSession = http.Request.Headers.Authorization.Count == 0;
            if (cookieSession && !await antiforgery.IsRequestValidAsync(http))
            {
                return new Error(ErrorKind.Validation, "antiforgery", "The form has expired; reload the page and send the file again.");
            }
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (InvalidDataException)
        {
            return evidence.TooLarge(http.Request.ContentLength);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return evidence.TooLarge(http.Request.ContentLength);
        }
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return Error.Validation("file", "No file was sent: add a 'file' part.");
        }
        if (file.Length > evidence.MaxBytes)
        {
            return evidence.TooLarge(file.Length);
        }
        if (file.Length == 0)
        {
            return Error.Validation("file", "The file is empty.");
        }
        await using var content = file.OpenReadStream();
        return await evidence.AddAsync(incident, content, file.FileName, file.ContentType, form["description"].ToString(),
            user.Actor(), http.Connection.RemoteIpAddress, ct);
    }

    internal static EvidenceDto ToDto(this EvidenceItem item, IEnumerable<CustodyEntry> custody) =>
        new(item.Id, item.FileName, item.DeclaredContentType, item.Size, item.Sha256, item.Description, item.AddedBy, item.AddedAt,
            [.. custody.Select(c => new CustodyDto(EnumWords.ToWord(c.Action), c.Actor, c.At, c.ClientIp, c.Note))]);
}
