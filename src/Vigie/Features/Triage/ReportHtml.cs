using Ganss.Xss;

namespace Vigie.Features.Triage;

/// <summary>
/// The report's HTML as the report page shows it. Intake stored it sanitised already; it is sanitised
/// again at render (the stored copy may come from an older, laxer version, and the page must not depend
/// on it) with a stricter rule: nothing the browser would fetch by itself, and no link that works —
/// a remote image tells a phisher that the analyst opened the mail, and a click on a phishing link in
/// the triage tool is exactly the mistake to make impossible. Links keep their text; the targets are in
/// the text version and the observables.
/// </summary>
public static class ReportHtml
{
    private static readonly HtmlSanitizer s_sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer { KeepChildNodes = true };
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "textarea", "label", "fieldset", "legend" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        sanitizer.AllowedAttributes.Remove("srcset");
        sanitizer.AllowedSchemes.Add("data");
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = Filter(e.Tag.LocalName, e.SanitizedUrl);
        return sanitizer;
    }

    /// <summary>Inline images (data:image, not SVG) only; every other URL, links included, is removed.</summary>
    private static string? Filter(string tag, string? url) =>
        tag is not ("a" or "area") && url is not null
        && url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)
        && !url.StartsWith("data:image/svg", StringComparison.OrdinalIgnoreCase)
            ? url
            : null;

    /// <summary>Safe markup for display, or null when there is none.</summary>
    public static string? Sanitize(string? html) =>
        string.IsNullOrWhiteSpace(html) ? null : s_sanitizer.Sanitize(html);
}
