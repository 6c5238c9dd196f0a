using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Vigie.Tests.Infrastructure;

/// <summary>
/// A browser stand-in over the test server: keeps cookies (antiforgery, culture), posts the form with its
/// token, and sets the client address of each request (the test server has none of its own).
/// </summary>
public sealed partial class FormBrowser(VigieApp app, IPAddress ip, string culture = "en")
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal)
    {
        ["vigie.culture"] = Uri.EscapeDataString($"c={culture}|uic={culture}"),
    };

    public sealed record Response(HttpStatusCode Status, string Body, IHeaderDictionary Headers)
    {
        /// <summary>The page as read (entities decoded).</summary>
        public string Text => WebUtility.HtmlDecode(Body);

        public string? Location => Headers.Location.ToString() is { Length: > 0 } l
            ? (Uri.TryCreate(l, UriKind.Absolute, out var u) ? u.PathAndQuery : l)
            : null;
    }

    public Task<Response> GetAsync(string path) => SendAsync("GET", path, null);

    /// <summary>Opens the page at <paramref name="path"/> (for its antiforgery token and cookie), then posts <paramref name="fields"/> to its form <paramref name="handler"/>.</summary>
    public async Task<Response> PostFormAsync(string path, string handler, IReadOnlyDictionary<string, string> fields)
    {
        var form = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = WebUtility.HtmlDecode(Antiforgery().Match(form.Body).Groups[1].Value);
        var all = new Dictionary<string, string>(fields) { ["_handler"] = handler, ["__RequestVerificationToken"] = token };
        var body = Encoding.UTF8.GetBytes(string.Join('&', all.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        return await SendAsync("POST", path, body);
    }

    /// <summary>
    /// Opens <paramref name="tokenPage"/> for an antiforgery token, then posts <paramref name="fields"/> to <paramref name="path"/>'s
    /// form <paramref name="handler"/>: what a forged or replayed post at a page one cannot open looks like.
    /// </summary>
    public async Task<Response> PostFormToAsync(string tokenPage, string path, string handler, IReadOnlyDictionary<string, string> fields)
    {
        var form = await GetAsync(tokenPage);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = WebUtility.HtmlDecode(Antiforgery().Match(form.Body).Groups[1].Value);
        var all = new Dictionary<string, string>(fields) { ["_handler"] = handler, ["__RequestVerificationToken"] = token };
        var body = Encoding.UTF8.GetBytes(string.Join('&', all.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        return await SendAsync("POST", path, body);
    }

    /// <summary>
    /// Opens the page at <paramref name="path"/>, then posts its multipart form <paramref name="handler"/> with one file
    /// (part "file") and <paramref name="fields"/>, as a browser sends an upload form.
    /// </summary>
    public async Task<Response> PostFileAsync(string path, string handler, string fileName, byte[] content, IReadOnlyDictionary<string, string>? fields = null)
    {
        var form = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = WebUtility.HtmlDecode(Antiforgery().Match(form.Body).Groups[1].Value);
        using var multipart = new System.Net.Http.MultipartFormDataContent();
        foreach (var (name, value) in new Dictionary<string, string>(fields ?? new Dictionary<string, string>())
                 { ["_handler"] = handler, ["__RequestVerificationToken"] = token })
        {
            multipart.Add(new System.Net.Http.StringContent(value), name);
        }
        multipart.Add(new System.Net.Http.ByteArrayContent(content), "file", fileName);
        var body = await multipart.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return await SendAsync("POST", path, body, multipart.Headers.ContentType!.ToString());
    }

    private async Task<Response> SendAsync(string method, string pathAndQuery, byte[]? body, string contentType = "application/x-www-form-urlencoded")
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var context = await app.Factory.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Scheme = "http";
            c.Request.Host = new HostString("localhost");
            c.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
            c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
            c.Request.Headers.Cookie = string.Join("; ", _cookies.Select(kv => kv.Key + "=" + kv.Value));
            c.Connection.RemoteIpAddress = ip;
            if (body is not null)
            {
                c.Request.ContentType = contentType;
                c.Request.ContentLength = body.Length;
                c.Request.Body = new MemoryStream(body);
            }
        }, TestContext.Current.CancellationToken);
        foreach (var cookie in context.Response.Headers.SetCookie)
        {
            var pair = cookie!.Split(';')[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            _cookies[pair[..eq]] = pair[(eq + 1)..];
        }
        var text = context.Response.Body is { CanRead: true } stream ? await new StreamReader(stream).ReadToEndAsync(TestContext.Current.CancellationToken) : "";
        return new Response((HttpStatusCode)context.Response.StatusCode, text, context.Response.Headers);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
