using Microsoft.AspNetCore.Antiforgery;
using Vigie.Core;

namespace Vigie.Web;

/// <summary>The one file of a multipart upload to the API, with the antiforgery check a cookie session needs (a Bearer token needs none).</summary>
public static class Uploads
{
    public static async Task<Result<(IFormFile File, IFormCollection Form)>> ReadFileAsync(HttpContext http, IAntiforgery antiforgery, string what,
        CancellationToken ct)
    {
        if (http.Request.Headers.Authorization.Count == 0 && !await antiforgery.IsRequestValidAsync(http))
        {
            return new Error(ErrorKind.Validation, "antiforgery", "The form has expired; reload the page and send the file again.");
        }
        if (!http.Request.HasFormContentType)
        {
            return Error.Validation("file", $"Send {what} as multipart/form-data with a 'file' part.");
        }
        var form = await http.Request.ReadFormAsync(ct);
        return form.Files.GetFile("file") is { Length: > 0 } file
            ? (file, form)
            : Error.Validation("file", "The 'file' part is missing or empty.");
    }
}
