using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vigie.Core;
using Vigie.Data;

namespace Vigie.Web;

/// <summary>
/// Turns expected failures (<see cref="Error"/>) into RFC 9457 problem details, in one place,
/// so every endpoint answers errors the same way.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult ToProblem(this Error error)
    {
        var status = error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status500InternalServerError,
        };
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Fields is not null)
        {
            extensions["errors"] = error.Fields;
        }
        foreach (var (k, v) in error.Extensions ?? new Dictionary<string, object?>())
        {
            extensions[k] = v;
        }
        return TypedResults.Problem(
            detail: error.Message,
            statusCode: status,
            title: error.Kind switch
            {
                ErrorKind.Validation => "The request is invalid.",
                ErrorKind.NotFound => "Not found.",
                ErrorKind.Conflict => "The request conflicts with the current state.",
                ErrorKind.Forbidden => "Forbidden.",
                _ => "Error.",
            },
            extensions: extensions);
    }
}

/// <summary>
/// The one handler of unexpected exceptions, plus the framework's "bad request" family
/// (malformed JSON, body too large) which it answers as problem details with a clear message.
/// Internal details never reach the client; they are logged with the trace id.
/// </summary>
internal sealed class VigieExceptionHandler(IProblemDetailsService problems, ILogger<VigieExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BlobTooLargeException e => (StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                $"The body is larger than the limit of {e.Limit} bytes."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge,
                "The request body is too large.", "The body is larger than this endpoint accepts."),
            BadHttpRequestException e => (e.StatusCode, "The request is malformed.", Clean(e)),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
                "The error was logged; quote the trace id when reporting it."),
        };
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    // The framework's messages name the parameter and the JSON path, which helps; inner
    // exception text may echo input, so only the outer message is used.
    private static string Clean(BadHttpRequestException e) =>
        e.InnerException is System.Text.Json.JsonException json
            ? $"The JSON body is invalid: {json.Message.Split(" Path:")[0]} (at {json.Path ?? "$"})."
            : e.Message;
}

/// <summary>
/// Refuses a body over the endpoint's limit (<see cref="IRequestSizeLimitMetadata"/>, default 1 MiB)
/// from its Content-Length before reading it, with a 413 problem. Kestrel enforces the same limit
/// on chunked bodies while reading.
/// </summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next)
{
    public const long DefaultLimit = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultLimit;
        var feature = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"This endpoint accepts at most {limit} bytes; the body has {context.Request.ContentLength}.",
                },
            });
            return;
        }
        await next(context);
    }
}
