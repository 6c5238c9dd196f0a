using System.Text;
using AngleSharp.Dom;
using Ganss.Xss;
using MimeKit.Text;

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

    /// <summary>Element nesting above which the HTML is not given to the DOM parser. Browsers stop
    /// at the same depth (Blink's HTML parser caps the tree at 512), and AngleSharp slows down
    /// sharply on deep trees: 32,000 nested divs take seconds, 300,000 minutes.</summary>
    public const int MaxNesting = 512;

    /// <summary>Elements above which the HTML is not given to the DOM parser: AngleSharp serialises
    /// siblings in quadratic time (100,000 paragraphs: 8 s). Large newsletters have a few thousand.</summary>
    public const int MaxElements = 10_000;

    /// <summary>
    /// Sanitises <paramref name="html"/>; returns the safe body markup and its readable text. HTML nested
    /// deeper than <see cref="MaxNesting"/> or with more than <see cref="MaxElements"/> elements gets no
    /// markup (null), its text from a tokenizer, and a problem.
    /// </summary>
    public static (string? Html, string Text, string? Problem) Read(string html)
    {
        var (depth, elements) = Shape(html);
        if (depth > MaxNesting)
        {
            return (null, TextOnly(html), $"An HTML body nests elements deeper than {MaxNesting} levels; only its text is shown.");
        }
        if (elements > MaxElements)
        {
            return (null, TextOnly(html), $"An HTML body has more than {MailParsing.Count(MaxElements)} elements; only its text is shown.");
        }
        var document = s_sanitizer.SanitizeDom(html);
        var body = document.Body;
        if (body is null)
        {
            return ("", "", null);
        }
        var text = new StringBuilder(html.Length / 2);
        AppendText(body, text, preformatted: false);
        return (body.InnerHtml, Tidy(text), null);
    }

    // Tags whose end tag is optional (a new one closes the previous) and void tags do not nest.
    private static readonly HashSet<HtmlTagId> s_flat =
    [
        HtmlTagId.P, HtmlTagId.LI, HtmlTagId.DT, HtmlTagId.DD, HtmlTagId.TR, HtmlTagId.TD, HtmlTagId.TH,
        HtmlTagId.Option, HtmlTagId.OptGroup, HtmlTagId.THead, HtmlTagId.TBody, HtmlTagId.Tfoot,
        HtmlTagId.ColGroup, HtmlTagId.RP, HtmlTagId.RT, HtmlTagId.Html, HtmlTagId.Head, HtmlTagId.Body,
    ];

    /// <summary>How deep the elements nest and how many there are, from a linear tokenizer pass;
    /// stops counting past the limits.</summary>
    internal static (int Depth, int Elements) Shape(string html)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var depth = 0;
        var max = 0;
        var elements = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            if (token is not HtmlTagToken { IsEndTag: var end } tag)
            {
                continue;
            }
            if (!end && ++elements > MaxElements)
            {
                break;
            }
            if (tag.IsEmptyElement || tag.Id.IsEmptyElement() || s_flat.Contains(tag.Id))
            {
                continue;
            }
            if (end)
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (++depth > max && (max = depth) > MaxNesting)
            {
                break;
            }
        }
        return (max, elements);
    }

    /// <summary>The text of HTML without building a tree: character data outside script, style and title.</summary>
    private static string TextOnly(string html)
    {
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var text = new StringBuilder(html.Length / 4);
        string? skipUntil = null;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlScriptDataToken:
                    break;
                case HtmlDataToken data when skipUntil is null:
                    AppendRun(data.Data, text, preformatted: false);
                    break;
                case HtmlTagToken tag when skipUntil is not null:
                    if (tag.IsEndTag && tag.Name.Equals(skipUntil, StringComparison.OrdinalIgnoreCase))
                    {
                        skipUntil = null;
                    }
                    break;
                case HtmlTagToken tag when !tag.IsEndTag && s_dropWithContent.Contains(tag.Name) && !tag.IsEmptyElement:
                    skipUntil = tag.Name;
                    break;
                case HtmlTagToken tag when tag.Id == HtmlTagId.Br:
                    text.Append('\n');
                    break;
                case HtmlTagToken tag when s_blocks.Contains(tag.Name) || tag.Id is HtmlTagId.TD or HtmlTagId.TH:
                    NewLine(text);
                    break;
            }
        }
        return Tidy(text);
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
