using System.Text;
using AngleSharp.Dom;
using Ganss.Xss;

namespace Vigie.Features.Intake.Parsing;

/// <summary>
/// Sanitises an HTML body for display and turns it into readable text, from one parse. The
/// sanitiser is built once: HtmlSanitizer is thread-safe once configured, and building it per
/// message would cost more than sanitising a small body.
/// </summary>
internal static class HtmlBody
{
    // Removed together with their content: code, styling and embedded documents are not text.
    private static readonly HashSet<string> s_dropWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
        "applet", "title", "head", "svg", "math", "canvas", "audio", "video",
    };

    // Forms are how phishing mail collects passwords: never rendered, their text is kept.
    private static readonly string[] s_formTags =
    [
        "form", "input", "button", "select", "option", "optgroup", "textarea", "datalist", "keygen",
        "output", "fieldset", "legend", "label", "menu", "menuitem",
    ];

    private static readonly HashSet<string> s_blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "details", "dd", "dir",
        "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "tr", "ul",
    };

    private static readonly HtmlSanitizer s_sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        // Unknown or refused tags (Outlook's o:p, font soup, form) keep their text; see s_dropWithContent.
        var sanitizer = new HtmlSanitizer { KeepChildNodes = true };
        foreach (var tag in s_formTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedSchemes.Add("data");
        sanitizer.RemovingTag += (_, e) =>
        {
            if (s_dropWithContent.Contains(e.Tag.LocalName))
            {
                e.Tag.Remove();
                e.Cancel = true;
            }
        };
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = FilterUrl(e.Tag.LocalName, e.SanitizedUrl);
        return sanitizer;
    }

    // A link may go to the web or to a mail address; anything the viewer would fetch by itself
    // (img src, CSS url(), background) may only be inline (cid:, data:image): a remote image
    // tells the sender that the analyst opened the mail.
    private static string? FilterUrl(string tag, string? url)
    {
        if (url is null)
        {
            return null;
        }
        var inline = url.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);
        if (tag is "a" or "area")
        {
            return inline ? null : url;
        }
        return url.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)
            || (url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)
                && !url.StartsWith("data:image/svg", StringComparison.OrdinalIgnoreCase))
            ? url
            : null;
    }

    /// <summary>Sanitises <paramref name="html"/>; returns the safe body markup and its readable text.</summary>
    public static (string Html, string Text) Sanitize(string html)
    {
        var document = s_sanitizer.SanitizeDom(html);
        var body = document.Body;
        if (body is null)
        {
            return ("", "");
        }
        var text = new StringBuilder(html.Length / 2);
        AppendText(body, text, preformatted: false);
        return (body.InnerHtml, Tidy(text));
    }

    private static void AppendText(INode node, StringBuilder text, bool preformatted)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    AppendRun(t.Data, text, preformatted);
                    break;
                case IElement e:
                    var name = e.LocalName;
                    if (name == "br")
                    {
                        text.Append('\n');
                        continue;
                    }
                    var block = s_blocks.Contains(name);
                    if (block)
                    {
                        NewLine(text);
                    }
                    else if (name is "td" or "th" && text.Length > 0 && text[^1] is not ('\n' or '\t'))
                    {
                        text.Append('\t');
                    }
                    AppendText(e, text, preformatted || name == "pre");
                    if (name == "a" && e.GetAttribute("href") is { Length: > 0 } href && !Shows(text, href))
                    {
                        // The target of a link is what an analyst needs (phishing hides it behind "click here").
                        text.Append(" <").Append(href).Append('>');
                    }
                    if (block)
                    {
                        NewLine(text);
                    }
                    break;
            }
        }
    }

    private static bool Shows(StringBuilder text, string href)
    {
        var bare = href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? href[7..] : href;
        var length = Math.Min(text.Length, bare.Length + 2);
        return text.ToString(text.Length - length, length).Contains(bare, StringComparison.OrdinalIgnoreCase);
    }

    private static void AppendRun(string data, StringBuilder text, bool preformatted)
    {
        if (preformatted)
        {
            text.Append(data);
            return;
        }
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) && c != '\u00A0')
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n' or '\t'))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
    }

    private static void NewLine(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    // At most one blank line in a row, no trailing spaces, no leading/trailing blank lines.
    private static string Tidy(StringBuilder text)
    {
        var result = new StringBuilder(text.Length);
        var newlines = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                while (result.Length > 0 && result[^1] is ' ' or '\t')
                {
                    result.Length--;
                }
                if (result.Length > 0 && ++newlines <= 2)
                {
                    result.Append('\n');
                }
            }
            else
            {
                if (c is ' ' or '\t' && newlines > 0)
                {
                    continue;
                }
                newlines = 0;
                result.Append(c == '\u00A0' ? ' ' : c);
            }
        }
        return result.ToString().TrimEnd();
    }
}
