using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Reports;

public sealed record ReportDto(
    Guid Id,
    string Source,
    string Status,
    DateTimeOffset ReceivedAt,
    string SubmittedBy,
    string Sha256,
    long Size,
    string? MessageId,
    string? Subject,
    string? From,
    Guid? IncidentId);

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
        group.MapGet("/{id:guid}", Get).WithSummary("Get a report.");
        group.MapGet("/{id:guid}/raw", Raw).WithSummary("Download the raw message exactly as received.");
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
        VigieDb db, string? status, int? limit, int? offset, CancellationToken ct)
    {
        var query = db.Reports.AsNoTracking();
        if (status is not null)
        {
            if (!EnumWords.TryParse<ReportStatus>(status, out var s))
            {
                return Error.Validation("status", $"'{status}' is not a report status. Allowed values: received, processed, failed.").ToProblem();
            }
            query = query.Where(r => r.Status == s);
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

    internal static async Task<Results<Ok<ReportDto>, ProblemHttpResult>> Get(Guid id, VigieDb db, CancellationToken ct) =>
        await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } r
            ? TypedResults.Ok(r.ToDto())
            : Error.NotFound($"Report {id}").ToProblem();

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Raw(Guid id, VigieDb db, BlobStore blobs, CancellationToken ct)
    {
        if (await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is not { } r)
        {
            return Error.NotFound($"Report {id}").ToProblem();
        }
        // Served as an attachment, never rendered: the content is hostile until proven otherwise.
        return TypedResults.File(blobs.OpenRead(r.Sha256), "message/rfc822", $"report-{r.Id}.eml");
    }

    internal static ReportDto ToDto(this Report r) => new(
        r.Id, r.Source.ToString().ToLowerInvariant(), r.Status.ToString().ToLowerInvariant(), r.ReceivedAt,
        r.SubmittedBy, r.Sha256, r.Size, r.MessageId, r.Subject, r.From, r.IncidentId);
}
