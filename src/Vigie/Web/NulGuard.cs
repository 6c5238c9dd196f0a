using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Vigie.Web;

/// <summary>
/// NUL (U+0000) has no place in anything a person types, and PostgreSQL refuses it in text (a server
/// error for what is bad input). Requests carrying one in the path or query are refused here with
/// 400; JSON bodies by <see cref="NulRefusingStringConverter"/>. Raw messages (mail) are bytes, not text,
/// and are not concerned.
/// </summary>
internal sealed class NulGuardMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var request = context.Request;
        if (HasNul(request.Path.Value) || HasNul(request.QueryString.Value))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is invalid.",
                    Detail = "The address holds a NUL character (%00), which no Vigie value may contain.",
                },
            });
            return;
        }
        await next(context);
    }

    private static bool HasNul(string? value) =>
        value is not null && (value.Contains('\0', StringComparison.Ordinal) || value.Contains("%00", StringComparison.Ordinal));
}

/// <summary>Reads JSON strings, refusing one with a NUL character (the request then gets a 400 problem).</summary>
internal sealed class NulRefusingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new JsonException("A text value holds a NUL character (\\u0000), which no Vigie value may contain.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
