using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Vigie.Core.PublicSite;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary>security.txt as served: its text (clear-signed when the team has a key), whether it is signed, and its expiry.</summary>
public sealed record RenderedSecurityTxt(string Text, bool Signed, DateTimeOffset Expires, string? SignerFingerprint);

/// <summary>
/// Builds the team's security.txt (RFC 9116) from the profile, the public site and <see cref="SecurityTxtOptions"/>,
/// clear-signs it with <see cref="TeamSigner"/>, and keeps the result per day, base address and signing key, so
/// that a request does not sign.
/// </summary>
public sealed class SecurityTxtService(
    IOptions<SecurityTxtOptions> options,
    IOptions<TeamProfileOptions> profile,
    IOptions<PublicSiteOptions> site,
    TeamSigner signer,
    TimeProvider time,
    ILogger<SecurityTxtService> logger)
{
    // The base address may come from the request's Host header: keep few entries, whatever clients send.
    private const int MaxCached = 16;
    private readonly ConcurrentDictionary<(DateTime Day, string BaseUrl, string? Key), RenderedSecurityTxt> _cache = new();
    private int _warnedUnsigned;

    /// <summary>The expiry written at <paramref name="now"/>: the fixed one, else the day (UTC) plus <see cref="SecurityTxtOptions.ValidityDays"/>.</summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset now) => ExpiresAt(options.Value, now);

    /// <summary>The expiry is fixed by configuration (it will not renew by itself).</summary>
    public bool FixedExpiry => options.Value.FixedExpires is not null;

    /// <summary>The file for the public address <paramref name="baseUrl"/> (e.g. <c>https://csirt.example.org/</c>), signed when the team has a key.</summary>
    /// <exception cref="SecurityTxtException">A value cannot be written (e.g. a base address that is not an https URL).</exception>
    public RenderedSecurityTxt Render(string baseUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        var now = time.GetUtcNow();
        var key = signer.Key;
        var cacheKey = (now.UtcDateTime.Date, baseUrl, key?.Fingerprint);
        if (_cache.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }
        var document = Build(options.Value, profile.Value, site.Value, baseUrl, now, key);
        var text = SecurityTxtWriter.Render(document);
        var signedText = key is null ? null : signer.ClearSign(text);
        if (signedText is null && Interlocked.Exchange(ref _warnedUnsigned, 1) == 0)
        {
            logger.LogWarning("security.txt is served unsigned: the team has no OpenPGP signing key (vigie pgp init-team-key, or import it with vigie pgp import-key --secret).");
        }
        var rendered = new RenderedSecurityTxt(signedText ?? text, signedText is not null, document.Expires, signedText is null ? null : key!.Fingerprint);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        _cache[cacheKey] = rendered;
        return rendered;
    }

    /// <summary>
    /// The public address for a request: <see cref="PublicSiteOptions.PublicUrl"/> when set, else the request's own.
    /// A plain-http request to a host other than loopback is answered with https addresses: RFC 9116 wants https,
    /// and such a server sits behind a TLS proxy (set PublicUrl to be explicit).
    /// </summary>
    public string BaseUrlFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(site.Value.PublicUrl))
        {
            return site.Value.PublicUrl;
        }
        var scheme = request.Scheme;
        if (scheme == Uri.UriSchemeHttp && !IsLoopback(request.Host.Host))
        {
            scheme = Uri.UriSchemeHttps;
        }
        return $"{scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}/";
    }

    internal static DateTimeOffset ExpiresAt(SecurityTxtOptions options, DateTimeOffset now) =>
        options.FixedExpires ?? new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(options.ValidityDays);

    /// <summary>The fields (RFC 9116 §2.5) from the configuration; pure, shared with the start-up self-check.</summary>
    internal static SecurityTxt Build(SecurityTxtOptions options, TeamProfileOptions profile, PublicSiteOptions site, string baseUrl, DateTimeOffset now, TeamKey? key)
    {
        string Absolute(string path) => site.Absolute(path, baseUrl);
        List<string> comments = [$"{profile.Name}: how to report a security incident or a vulnerability (RFC 9116)."];
        if (key is not null)
        {
            comments.Add($"Signed with the team's OpenPGP key {key.GroupedFingerprint}.");
        }
        return new SecurityTxt
        {
            Comments = comments,
            Contacts = [$"mailto:{profile.IncidentEmail}", .. options.ContactForm ? [Absolute("/contact")] : Array.Empty<string>(), .. options.Contacts],
            Expires = ExpiresAt(options, now),
            Encryption = [Absolute(site.KeyPath), .. options.Encryption],
            PreferredLanguages = profile.Languages,
            Canonical = [Absolute("/.well-known/security.txt"), Absolute("/security.txt")],
            Policy = [Absolute("/rfc2350"), .. options.Policy],
            Acknowledgments = string.IsNullOrEmpty(options.Acknowledgments) ? [] : [options.Acknowledgments],
            Hiring = string.IsNullOrEmpty(options.Hiring) ? [] : [options.Hiring],
        };
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
