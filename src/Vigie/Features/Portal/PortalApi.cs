using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Features.Audit;
using Vigie.Features.Evidence;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Pgp;
using Vigie.Web;

namespace Vigie.Features.Portal;

/// <summary>
/// The portal's JSON API (<c>/api/v1/portal/…</c>) for constituent contacts' tokens, and the portal page's
/// evidence upload form. Anything outside the contact's reach answers 404, as if it did not exist.
/// </summary>
public static class PortalApi
{
    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        var max = app.ServiceProvider.GetRequiredService<IOptions<EvidenceOptions>>().Value.MaxBytes;
        var bodyLimit = new RequestSizeLimitAttribute(max + EvidenceApi.FormOverhead);
        var group = app.MapGroup("/api/v1/portal").WithTags("Portal").RequireAuthorization(PortalSetup.Contact);
        group.MapGet("/incidents", ListIncidents).WithSummary("The incidents of the contact's organisation (TLP:RED ones only when they are a named recipient).");
        group.MapGet("/incidents/{key}", GetIncident).Audited(AuditActions.Read, "incident", "key")
            .WithSummary("One incident: its public fields, the contact's correspondence thread, their evidence and reports.");
        group.MapGet("/incidents/{key}/messages/{id:guid}", GetMessage).Audited(AuditActions.Read, "correspondence", "id")
            .WithSummary("One message of the contact's thread on the incident.");
        group.MapPost("/incidents/{key}/replies", Reply).RequireAuthorization(PortalSetup.ContactWrite)
            .WithSummary("Reply to the team about the incident; goes in as a mail from the contact would.");
        group.MapPost("/incidents/{key}/evidence", UploadEvidence).RequireAuthorization(PortalSetup.ContactWrite).DisableAntiforgery()
            .WithMetadata(bodyLimit).WithSummary("Hand in an evidence file (multipart/form-data: 'file', optional 'description').");
        group.MapGet("/incidents/{key}/evidence/{id:guid}/content", DownloadEvidence).Audited(AuditActions.Read, "evidence", "id")
            .WithSummary("Download an evidence file the contact handed in.");
        group.MapGet("/reports", ListReports).WithSummary("The reports the contact filed through the portal.");
        group.MapPost("/reports", SubmitReport).RequireAuthorization(PortalSetup.ContactWrite)
            .WithSummary("File a new report (subject, text); stored before the answer, then read like a mail.");
        group.MapGet("/reports/{id:guid}", GetReport).Audited(AuditActions.Read, "report", "id").WithSummary("One report the contact filed.");
        group.MapGet("/key", GetKey).WithSummary("The contact's OpenPGP public key, used when the team mails them.");
        group.MapPut("/key", PutKey).RequireAuthorization(PortalSetup.ContactWrite).WithSummary("Upload or replace the contact's OpenPGP public key.");
        group.MapDelete("/key", DeleteKey).RequireAuthorization(PortalSetup.ContactWrite).WithSummary("Remove the contact's OpenPGP public key.");
        app.MapPost("/portal/incidents/{number}/evidence", UploadForm).RequireAuthorization(PortalSetup.ContactWrite).DisableAntiforgery()
            .WithMetadata(bodyLimit).ExcludeFromDescription();
        app.MapPost("/portal/second-factor", EnrolSecondFactor).RequireAuthorization(PortalSetup.Contact).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static ProblemHttpResult NotFound(string what) => Error.NotFound(what).ToProblem();

    private static ProblemHttpResult Forbidden() =>
        new Error(ErrorKind.Forbidden, "forbidden", "Your token may only read: use a token of scope write.").ToProblem();

    internal static async Task<Ok<List<PortalIncidentSummary>>> ListIncidents(PortalService portal, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await portal.ListIncidentsAsync(user, ct));

    internal static async Task<Results<Ok<PortalIncidentDto>, ProblemHttpResult>> GetIncident(string key, PortalService portal, ClaimsPrincipal user,
        CancellationToken ct) =>
        (await portal.FindAsync(user, key, IncidentOperations.Read, ct)).Incident is { } incident
            ? TypedResults.Ok(await portal.DetailAsync(user, incident, ct))
            : NotFound($"Incident '{key}'");

    internal static async Task<Results<Ok<PortalMessageDto>, ProblemHttpResult>> GetMessage(string key, Guid id, PortalService portal,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if ((await portal.FindAsync(user, key, IncidentOperations.Read, ct)).Incident is not { } incident
            || await portal.FindMessageAsync(user, incident, id, ct) is not { } message)
        {
            return NotFound($"Message {id}");
        }
        return TypedResults.Ok(PortalDtos.Message(message));
    }

    internal static async Task<Results<Accepted<PortalAccepted>, ProblemHttpResult>> Reply(string key, PortalReplyRequest request,
        PortalService portal, ClaimsPrincipal user, CancellationToken ct)
    {
        var (incident, forbidden) = await portal.FindAsync(user, key, IncidentOperations.Reply, ct);
        if (incident is null)
        {
            return forbidden ? Forbidden() : NotFound($"Incident '{key}'");
        }
        var sent = await portal.ReplyAsync(user, incident, request.Text, ct);
        return sent.IsSuccess
            ? TypedResults.Accepted($"/api/v1/portal/reports/{sent.Value!.Id}", new PortalAccepted(sent.Value!.Id))
            : sent.Error!.ToProblem();
    }

    internal static async Task<Results<Created<PortalEvidenceDto>, ProblemHttpResult>> UploadEvidence(string key, HttpContext http,
        PortalService portal, EvidenceService evidence, IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        var (incident, forbidden) = await portal.FindAsync(user, key, IncidentOperations.AddEvidence, ct);
        if (incident is null)
        {
            return forbidden ? Forbidden() : NotFound($"Incident '{key}'");
        }
        var added = await EvidenceApi.ReceiveAsync(http, incident, evidence, antiforgery, user, ct);
        if (!added.IsSuccess)
        {
            return EvidenceApi.UploadProblem(added.Error!);
        }
        var item = added.Value!;
        return TypedResults.Created($"/api/v1/portal/incidents/{incident.Number}/evidence/{item.Id}/content",
            new PortalEvidenceDto(item.Id, item.FileName, item.Size, item.Sha256, item.AddedAt));
    }

    /// <summary>The portal page's upload form: same checks, then back to the incident with the outcome in the query.</summary>
    internal static async Task<IResult> UploadForm(string number, HttpContext http, PortalService portal, EvidenceService evidence,
        IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        var (incident, forbidden) = await portal.FindAsync(user, number, IncidentOperations.AddEvidence, ct);
        if (incident is null)
        {
            return forbidden ? Results.StatusCode(StatusCodes.Status403Forbidden) : Results.NotFound();
        }
        var added = await EvidenceApi.ReceiveAsync(http, incident, evidence, antiforgery, user, ct);
        var outcome = added.IsSuccess ? "added" : added.Error!.Code switch
        {
            EvidenceService.TooLargeCode => "too-large",
            "antiforgery" => "expired",
            _ when added.Error.Fields?.ContainsKey("description") == true => "description",
            _ => "no-file",
        };
        http.Response.Headers.Location = $"/portal/incidents/{incident.Number}?ev={outcome}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadEvidence(string key, Guid id, HttpContext http,
        PortalService portal, EvidenceService evidence, ClaimsPrincipal user, CancellationToken ct)
    {
        if ((await portal.FindAsync(user, key, IncidentOperations.Read, ct)).Incident is not { } incident
            || !(await portal.DetailAsync(user, incident, ct)).Evidence.Any(e => e.Id == id))
        {
            return NotFound($"Evidence {id}");
        }
        var opened = await evidence.OpenForDownloadAsync(incident, id, user.Identity?.Name ?? "", http.Connection.RemoteIpAddress, ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!.ToProblem();
        }
        var (item, content) = opened.Value!;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(content, "application/octet-stream", item.FileName, entityTag: new EntityTagHeaderValue($"\"{item.Sha256}\""));
    }

    internal static async Task<Ok<List<PortalReportSummary>>> ListReports(PortalService portal, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await portal.ListReportsAsync(user, ct));

    internal static async Task<Results<Accepted<PortalAccepted>, ProblemHttpResult>> SubmitReport(PortalReportRequest request,
        PortalService portal, ClaimsPrincipal user, CancellationToken ct)
    {
        var filed = await portal.SubmitReportAsync(user, request.Subject, request.Text, ct);
        return filed.IsSuccess
            ? TypedResults.Accepted($"/api/v1/portal/reports/{filed.Value!.Id}", new PortalAccepted(filed.Value!.Id))
            : filed.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<PortalReportDto>, ProblemHttpResult>> GetReport(Guid id, PortalService portal, ClaimsPrincipal user,
        CancellationToken ct) =>
        await portal.FindReportAsync(user, id, ct) is { } report ? TypedResults.Ok(report) : NotFound($"Report {id}");

    internal static async Task<Results<Ok<PortalKeyDto>, ProblemHttpResult>> GetKey(PortalService portal, ClaimsPrincipal user, CancellationToken ct) =>
        await portal.ContactAsync(user, ct) is { } contact ? TypedResults.Ok(KeyDto(contact.PgpPublicKey)) : NotFound("Your contact record");

    internal static async Task<Results<Ok<PortalKeyDto>, ProblemHttpResult>> PutKey(PortalKeyRequest request, PortalService portal,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.PgpPublicKey))
        {
            return Error.Validation("pgpPublicKey", "An ASCII-armored OpenPGP public key is required (to remove yours, use DELETE).").ToProblem();
        }
        var set = await portal.SetKeyAsync(user, request.PgpPublicKey, ct);
        return set.IsSuccess ? TypedResults.Ok(KeyDto(set.Value!.PgpPublicKey)) : set.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<PortalKeyDto>, ProblemHttpResult>> DeleteKey(PortalService portal, ClaimsPrincipal user, CancellationToken ct)
    {
        var set = await portal.SetKeyAsync(user, null, ct);
        return set.IsSuccess ? TypedResults.Ok(KeyDto(null)) : set.Error!.ToProblem();
    }

    /// <summary>
    /// A contact chooses to enrol a second factor (optional for them): the sign-in's enrolment step, reached
    /// with its short-lived cookie, then back to the portal. Antiforgery checked by hand (a form post).
    /// </summary>
    internal static async Task<IResult> EnrolSecondFactor(HttpContext http, Vigie.Data.VigieDb db, IAntiforgery antiforgery, ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(http) || !Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            || await db.Users.FirstOrDefaultAsync(u => u.Id == id && !u.Disabled, ct) is not { } account || account.HasTwoFactor)
        {
            return Results.Redirect("/portal");
        }
        await AccountService.SignInPendingAsync(http, account, "enrol");
        return Results.Redirect("/signin/enrol?ReturnUrl=%2Fportal");
    }

    internal static PortalKeyDto KeyDto(string? armored)
    {
        if (armored is null)
        {
            return new PortalKeyDto(null, []);
        }
        try
        {
            return new PortalKeyDto(armored, [.. PgpKeyring.Inspect(armored).Select(k => k.Fingerprint)]);
        }
        catch (PgpImportException)
        {
            return new PortalKeyDto(armored, []);
        }
    }
}
