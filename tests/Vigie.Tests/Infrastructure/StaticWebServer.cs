using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigie.Tests.Infrastructure;

/// <summary>
/// A plain HTTP file server on 127.0.0.1 standing in for the feeds and CSAF providers of the internet (out of reach
/// here): it serves <see cref="Files"/> by path, with a strong ETag per content and 304 answers to If-None-Match, and
/// counts the requests per path so that a test can tell whether a client came back for a file. Tests change or remove
/// files between requests to play a tampered or failing publisher.
/// </summary>
public sealed class StaticWebServer : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests answered 304 Not Modified, per path.</summary>
    public ConcurrentDictionary<string, int> NotModified { get; } = new(StringComparer.Ordinal);

    public Uri BaseAddress { get; private set; } = default!;

    public Uri Url(string path) => new(BaseAddress, path);

    public int RequestsFor(string path) => Requests.GetValueOrDefault(path);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "/";
            Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (!Files.TryGetValue(path, out var content))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";
            http.Response.Headers.ETag = etag;
            if (http.Request.Headers.IfNoneMatch.Contains(etag))
            {
                NotModified.AddOrUpdate(path, 1, (_, n) => n + 1);
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
            http.Response.ContentType = path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream";
            http.Response.ContentLength = content.Length;
            await http.Response.Body.WriteAsync(content);
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First().TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
