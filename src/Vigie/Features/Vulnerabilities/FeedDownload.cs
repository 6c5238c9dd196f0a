using System.Net;
using System.Net.Http.Headers;

namespace Vigie.Features.Vulnerabilities;

/// <summary>What one GET gave: the bytes (null when not modified or failed), the validators to send next time, or the error.</summary>
public sealed record Downloaded(byte[]? Content, bool NotModified, string? ETag, string? LastModified, string? Error)
{
    public bool Ok => Error is null && !NotModified;
}

/// <summary>
/// Bounded GETs for the feeds Vigie pulls. Only HTTPS is allowed (plain HTTP only to a loopback address, for a local
/// mirror); a response larger than the cap is cut off and refused, whatever its Content-Length said; a conditional
/// request (If-None-Match / If-Modified-Since) is sent when validators are known.
/// </summary>
public static class FeedDownload
{
    /// <summary>The named HttpClient (30 s connect/headers timeout per request, redirects only to HTTPS).</summary>
    public const string Client = "vigie-feeds";

    public static string? Refusal(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback) ? null
        : $"{url.Scheme}: is not allowed: feeds are fetched over HTTPS only (plain HTTP only from this machine)";

    /// <summary>The bytes at <paramref name="url"/> (small files: metadata, feeds, documents).</summary>
    public static async Task<Downloaded> GetAsync(HttpClient http, Uri url, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var got = await CopyAsync(http, url, buffer, maxBytes, null, null, ct);
        return got.Ok ? got with { Content = buffer.ToArray() } : got;
    }

    /// <summary>Writes what is at <paramref name="url"/> into <paramref name="destination"/> (large feeds go to a file).</summary>
    public static async Task<Downloaded> CopyAsync(HttpClient http, Uri url, Stream destination, long maxBytes, string? etag, string? lastModified, CancellationToken ct)
    {
        if (Refusal(url) is { } refused)
        {
            return new Downloaded(null, false, null, null, refused);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }
        if (lastModified is not null && DateTimeOffset.TryParse(lastModified, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var since))
        {
            request.Headers.IfModifiedSince = since;
        }
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new Downloaded(null, true, etag, lastModified, null);
            }
            if (!response.IsSuccessStatusCode)
            {
                var why = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (needs credentials)" : "";
                return new Downloaded(null, false, null, null, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{why}");
            }
            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return new Downloaded(null, false, null, null, $"larger than {maxBytes >> 20} MiB ({response.Content.Headers.ContentLength} bytes announced)");
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var chunk = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return new Downloaded(null, false, null, null, $"larger than {maxBytes >> 20} MiB");
                }
                await destination.WriteAsync(chunk.AsMemory(0, read), ct);
            }
            return new Downloaded(null, false, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Downloaded(null, false, null, null, $"cannot reach {url.Host}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Downloaded(null, false, null, null, $"{url.Host} did not answer in time");
        }
    }
}
