using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

/// <summary>
/// <c>Vigie:PublicSite</c>: the team's public face served without sign-in (docs/public-site.md):
/// the RFC 2350 document, security.txt, the team's public key and the contact form.
/// </summary>
public sealed class PublicSiteOptions
{
    public const string Section = "Vigie:PublicSite";

    /// <summary>
    /// Absolute address where the public pages are reached (e.g. <c>https://csirt.example.org/</c>), used for
    /// absolute links (security.txt Canonical, Contact, Encryption, Policy; announcement mails). When unset,
    /// pages use the address of the request and the CLI asks for it.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Path of the team's armored public key (default <c>/team-key.asc</c>).</summary>
    public string KeyPath { get; set; } = "/team-key.asc";

    /// <summary>The RFC 2350 document's publication settings.</summary>
    public Rfc2350Options Rfc2350 { get; set; } = new();

    /// <summary>The absolute URL of <paramref name="path"/> under <see cref="PublicUrl"/>, or under <paramref name="requestBase"/> when unset.</summary>
    public string Absolute(string path, string? requestBase = null)
    {
        var root = (string.IsNullOrWhiteSpace(PublicUrl) ? requestBase : PublicUrl)
            ?? throw new InvalidOperationException($"{Section}:PublicUrl is not set: the absolute address of the public pages is unknown.");
        return root.TrimEnd('/') + "/" + path.TrimStart('/');
    }
}

/// <summary><c>Vigie:PublicSite:Rfc2350</c>.</summary>
public sealed class Rfc2350Options
{
    /// <summary>
    /// Addresses told of each new version (RFC 2350 §1.2), besides the profile's distribution list
    /// (<c>Vigie:Team:Document:Distribution:Address</c>). Sent in Bcc, signed with the team key.
    /// </summary>
    public List<string> NotifyRecipients { get; set; } = [];
}

/// <summary>Start-up checks of <see cref="PublicSiteOptions"/>, every faulty key named.</summary>
internal sealed class PublicSiteOptionsValidator : IValidateOptions<PublicSiteOptions>
{
    public ValidateOptionsResult Validate(string? name, PublicSiteOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PublicUrl)
            && !(Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)))
        {
            failures.Add($"{PublicSiteOptions.Section}:PublicUrl: '{options.PublicUrl}' is not an absolute http(s) URL without query or fragment.");
        }
        if (string.IsNullOrWhiteSpace(options.KeyPath) || !options.KeyPath.StartsWith('/') || options.KeyPath.Contains("..", StringComparison.Ordinal)
            || options.KeyPath.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '?' or '#'))
        {
            failures.Add($"{PublicSiteOptions.Section}:KeyPath: '{options.KeyPath}' must be a path starting with '/', without spaces, '..', '?' or '#'.");
        }
        for (var i = 0; i < options.Rfc2350.NotifyRecipients.Count; i++)
        {
            if (!Vigie.Core.EmailAddress.TryNormalize(options.Rfc2350.NotifyRecipients[i], out _, out _))
            {
                failures.Add($"{PublicSiteOptions.Section}:Rfc2350:NotifyRecipients:{i}: '{options.Rfc2350.NotifyRecipients[i]}' is not an e-mail address.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
