using Vigie.Features.Audit;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Triage;
using Vigie.Web;

namespace Vigie.Features.Reports;

/// <summary>A report as listed: the envelope and what reading it established, without the text.</summary>
public record ReportDto(
    Guid Id,
    string Source,
    string Status,
    DateTimeOffset ReceivedAt,
    string SubmittedBy,
    string? Recipient,
    string Sha256,
    long Size,
    string? MessageId,
    string? Subject,
    string? From,
    Guid? IncidentId,
    string Kind,
    bool Flagged,
    string? Format,
    string? FormatSubtype,
    string Decryption,
    string Signature,
    Guid? SuggestedConstituentId,
    string? SuggestedClass,
    string? SuggestedType,
    DateTimeOffset? ProcessedAt);

/// <summary>One report in full: text, crypto outcome, problems, observables, attachments, suggestions, answer.</summary>
public sealed record ReportDetailDto(
    ReportDto Summary,
    string? Text,
    string? Html,
    IReadOnlyList<string> Problems,
    string? FailureReason,
    int RecordCount,
    string? DecryptionError,
    string? SignatureKind,
    string? SignerFingerprint,
    string? SignerEmail,
    Guid? SignerContactId,
    string? ConstituentReason,
    string? SuggestionRule,
    Guid? RelatedOutboundId,
    string? AnswerNote,
    IReadOnlyList<ReportObservableDto> Observables,
    IReadOnlyList<ReportAttachmentDto> Attachments) : ReportDto(Summary)
{
    /// <summary>Carried in the inherited members; not written twice.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ReportDto Summary { get; init; } = Summary;
}

public sealed record ReportObservableDto(string Kind, string Value, bool IsPrivateOrReserved, string Location, int Start, int Length);

public sealed record ReportAttachmentDto(Guid Id, string? FileName, string ContentType, long Size, string? Sha256,
    System.Text.Json.JsonElement? Entries, string? Problem);

public sealed record ReportPage(IReadOnlyList<ReportDto> Items, int Total);

public static class ReportsApi
{
    /// <summary>The largest message accepted, as the SMTP listener's default (25 MB).</summary>
    public const long MaxMessageBytes = 25L * 1024 * 1024;

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Policies.Read);
        group.MapPost("/", Submit).RequireAuthorization(Policies.Write)
            // Documented by hand rather than with Accepts(): Accepts makes routing answer a wrong
            // Content-Type with a bare 415, and the client deserves to be told what to send.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The raw message, exactly as received (RFC 5322), at most 25 MB.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["message/rfc822"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                };
                return Task.CompletedTask;
            })
            .WithMetadata(new RequestSizeLimitAttribute(MaxMessageBytes))
            .WithSummary("Submit a raw RFC 5322 message (message/rfc822). Stored durably before the 201.");
        group.MapGet("/", List).WithSummary("List reports, newest first.");
        group.MapGet("/{id:guid}", Get).Audited("read", "report", "id").WithSummary("Get a report.");
        group.MapGet("/{id:guid}/raw", Raw).Audited("read", "report", "id").WithSummary("Download the raw message exactly as received.");
        group.MapGet("/{id:guid}/attachments/{attachmentId:guid}", Attachment).Audited("read", "report", "id")
            .WithSummary("Download an attachment (decoded bytes, as application/octet-stream: never rendered).");
        group.MapPost("/{id:guid}/reprocess", Reprocess).RequireAuthorization(Policies.Write)
            .WithSummary("Read the report again from its raw bytes (answers already sent are not sent again).");
        return app;
    }

    internal static async Task<Results<Created<ReportDto>, Ok<ReportDto>, ProblemHttpResult>> Submit(
        HttpRequest request, ReportIntake intake, ClaimsPrincipal user, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "message/rfc822", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type.",
                detail: $"Send the raw message with Content-Type: message/rfc822 (got '{request.ContentType ?? "none"}').");
        }
        var (report, isNew) = await intake.AcceptAsync(request.Body, ReportSource.Api, user.Actor(), recipient: null, ct);
        return isNew
            ? TypedResults.Created($"/api/v1/reports/{report.Id}", report.ToDto())
            : TypedResults.Ok(report.ToDto());
    }

    internal static async Task<Results<Ok<ReportPage>, ProblemHttpResult>> List(
        VigieDb db, string? status, string? kind, bool? flagged, Guid? constituent, int? limit, int? offset, CancellationToken ct)
    {
        var query = db.Reports.AsNoTracking();
        if (status is not null)
        {
            if (!EnumWords.TryParse<ReportStatus>(status, out var s))
            {
                return Error.Validation("status", $"'{status}' is not a report status. Allowed values: received, processing, processed, failed.").ToProblem();
            }
            query = query.Where(r => r.Status == s);
        }
        if (kind is not null)
        {
            if (!EnumWords.TryParse<ReportKind>(kind, out var k))
            {
                return Error.Validation("kind", $"'{kind}' is not a report kind. Allowed values: unknown, incidentReport, request, reply, bounce.").ToProblem();
            }
            query = query.Where(r => r.Kind == k);
        }
        if (flagged is { } f)
        {
            query = query.Where(r => r.Flagged == f);
        }
        if (constituent is { } c)
        {
            query = query.Where(r => r.SuggestedConstituentId == c);
        }
        if (limit is < 1 or > 500 || offset is < 0)
        {
            return Error.Validation("limit", "limit must be between 1 and 500 and offset not negative.").ToProblem();
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id)
            .Skip(offset ?? 0).Take(limit ?? 50).ToListAsync(ct);
        return TypedResults.Ok(new ReportPage([.. items.Select(r => r.ToDto())], total));
    }

    internal static async Task<Results<Ok<ReportDetailDto>, ProblemHttpResult>> Get(Guid id, VigieDb db, ClaimsPrincipal user, CancellationToken ct) =>
        await db.Reports.AsNoTracking().AsSplitQuery().Include(r => r.Observables).Include(r => r.Attachments)
            .VisibleTo(db, user).FirstOrDefaultAsync(r => r.Id == id, ct) is { } r
            ? TypedResults.Ok(r.ToDetailDto())
            : Error.NotFound($"Report {id}").ToProblem();

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Attachment(Guid id, Guid attachmentId, VigieDb db,
        BlobStore blobs, ClaimsPrincipal user, CancellationToken ct)
    {
        var a = await db.ReportAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.ReportId == id, ct);
        if (a is null || !await db.Reports.VisibleTo(db, user).AnyAsync(r => r.Id == id, ct))
        {
            return Error.NotFound($"Attachment {attachmentId} of report {id}").ToProblem();
        }
        if (a.Sha256 is null || !blobs.Exists(a.Sha256))
        {
            return Error.NotFound($"The content of attachment {attachmentId} (it was not stored: {a.Problem ?? "unknown reason"})").ToProblem();
        }
        // Hostile content: octet-stream with an attachment disposition, so no browser renders it (and
        // every response says nosniff: WebSetup).
        return TypedResults.File(blobs.OpenRead(a.Sha256), "application/octet-stream", SafeFileName(a.FileName, a.Id));
    }

    internal static async Task<Results<Accepted<ReportDto>, ProblemHttpResult>> Reprocess(Guid id, VigieDb db,
        Intake.IntakeSignal signal, CancellationToken ct)
    {
        if (await db.Reports.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } r)
        {
            return Error.NotFound($"Report {id}").ToProblem();
        }
        if (r.Status is ReportStatus.Received or ReportStatus.Processing)
        {
            return TypedResults.Accepted($"/api/v1/reports/{id}", r.ToDto());
        }
        r.Requeue();
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return TypedResults.Accepted($"/api/v1/reports/{id}", r.ToDto());
    }

    private static string SafeFileName(string? name, Guid id)
    {
        var clean = new string((name ?? "").Select(c => char.IsControl(c) || c is '/' or '\\' or '"' ? '_' : c).ToArray()).Trim();
        return clean.Length == 0 ? $"attachment-{id}" : clean;
    }

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Raw(Guid id, VigieDb db, BlobStore blobs,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Reports.AsNoTracking().VisibleTo(db, user).FirstOrDefaultAsync(r => r.Id == id, ct) is not { } r)
        {
            return Error.NotFound($"Report {id}").ToProblem();
        }
        if (r.RawDeletedAt is not null || !blobs.Exists(r.Sha256))
        {
            // The retention purge deleted it (docs/privacy.md); what was read from it stays on the report.
            return Error.NotFound($"The raw message of report {id} (deleted at the end of its retention period)").ToProblem();
        }
        // Served as an attachment, never rendered (nor sniffed: WebSetup): the content is hostile until proven otherwise.
        return TypedResults.File(blobs.OpenRead(r.Sha256), "message/rfc822", $"report-{r.Id}.eml");
    }

    internal static ReportDto ToDto(this Report r) => new(
        r.Id, EnumWords.ToWord(r.Source), EnumWords.ToWord(r.Status), r.ReceivedAt,
        r.SubmittedBy, r.Recipient, r.Sha256, r.Size, r.MessageId, r.Subject, r.From, r.IncidentId,
        EnumWords.ToWord(r.Kind), r.Flagged, r.Format, r.FormatSubtype, EnumWords.ToWord(r.Decryption), EnumWords.ToWord(r.Signature),
        r.SuggestedConstituentId, r.SuggestedClass, r.SuggestedType, r.ProcessedAt);

    internal static ReportDetailDto ToDetailDto(this Report r) => new(
        r.ToDto(), r.Text, r.Html, r.Problems, r.FailureReason, r.RecordCount, r.DecryptionError, r.SignatureKind,
        r.SignerFingerprint, r.SignerEmail, r.SignerContactId, r.ConstituentReason, r.SuggestionRule, r.RelatedOutboundId, r.AnswerNote,
        [.. r.Observables.OrderBy(o => o.Location, StringComparer.Ordinal).ThenBy(o => o.Start)
            .Select(o => new ReportObservableDto(o.Kind.ToString().ToLowerInvariant(), o.Value, o.IsPrivateOrReserved, o.Location, o.Start, o.Length))],
        [.. r.Attachments.Select(a => new ReportAttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256,
            a.Entries is null ? null : System.Text.Json.JsonDocument.Parse(a.Entries).RootElement.Clone(), a.Problem))]);
}
