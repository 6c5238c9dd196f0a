using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Vigie.Features.PublicSite;

/// <summary>
/// The HTML rendering of <see cref="Rfc2350Doc"/>: an <c>&lt;article&gt;</c> fragment with a table of
/// contents and anchored headings. Every text is HTML-encoded; only http(s) URLs and e-mail addresses
/// found in it become links, so a profile text can never inject markup.
/// </summary>
public static partial class Rfc2350HtmlRenderer
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string Render(Rfc2350Doc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var html = new StringBuilder();
        html.Append("<article class=\"rfc2350\" lang=\"").Append(E(doc.Language)).Append("\">\n");
        html.Append("<h1 id=\"rfc2350-title\">").Append(E(doc.Title)).Append("</h1>\n");
        html.Append("<p class=\"doc-version\" id=\"rfc2350-version\">").Append(E(doc.VersionLine)).Append("</p>\n");
        html.Append("<nav class=\"toc\" aria-label=\"").Append(E(doc.ContentsTitle)).Append("\"><h2>").Append(E(doc.ContentsTitle)).Append("</h2>\n<ol>\n");
        foreach (var section in doc.Sections)
        {
            Contents(html, section);
        }
        html.Append("</ol></nav>\n");
        foreach (var section in doc.Sections)
        {
            Section(html, section, 2);
        }
        html.Append("</article>\n");
        return html.ToString();
    }

    private static void Contents(StringBuilder html, DocSection section)
    {
        if (section.Title.Length == 0)
        {
            return;
        }
        html.Append("<li><a href=\"#").Append(section.Anchor).Append("\">").Append(E(section.Heading)).Append("</a>");
        var subs = section.Subsections.Where(s => s.Title.Length > 0).ToList();
        if (subs.Count > 0)
        {
            html.Append("<ol>");
            foreach (var sub in subs)
            {
                Contents(html, sub);
            }
            html.Append("</ol>");
        }
        html.Append("</li>\n");
    }

    private static void Section(StringBuilder html, DocSection section, int level)
    {
        if (section.Title.Length > 0)
        {
            var h = Math.Min(level, 6);
            html.Append("<section id=\"").Append(section.Anchor).Append("\">\n<h").Append(h).Append('>')
                .Append(E(section.Heading)).Append("</h").Append(h).Append(">\n");
        }
        foreach (var block in section.Blocks)
        {
            Block(html, block);
        }
        foreach (var sub in section.Subsections)
        {
            Section(html, sub, level + 1);
        }
        if (section.Title.Length > 0)
        {
            html.Append("</section>\n");
        }
    }

    private static void Block(StringBuilder html, DocBlock block)
    {
        switch (block)
        {
            case DocParagraph p:
                html.Append("<p>").Append(string.Join("<br>", p.Text.Split('\n').Select(Linked))).Append("</p>\n");
                break;
            case DocLines l:
                html.Append("<p class=\"doc-lines\">").Append(string.Join("<br>", l.Lines.Select(Linked))).Append("</p>\n");
                break;
            case DocList list:
                html.Append("<ul>\n");
                foreach (var item in list.Items)
                {
                    html.Append("<li>").Append(Linked(item.Text));
                    if (item.SubItems.Count > 0)
                    {
                        html.Append("<ol>");
                        foreach (var sub in item.SubItems)
                        {
                            html.Append("<li>").Append(Linked(sub)).Append("</li>");
                        }
                        html.Append("</ol>");
                    }
                    html.Append("</li>\n");
                }
                html.Append("</ul>\n");
                break;
            case DocTable t:
                html.Append("<table class=\"doc-history\">\n<thead><tr>");
                foreach (var head in t.Header)
                {
                    html.Append("<th scope=\"col\">").Append(E(head)).Append("</th>");
                }
                html.Append("</tr></thead>\n<tbody>\n");
                foreach (var row in t.Rows)
                {
                    html.Append("<tr>");
                    foreach (var cell in row)
                    {
                        html.Append("<td>").Append(Linked(cell)).Append("</td>");
                    }
                    html.Append("</tr>\n");
                }
                html.Append("</tbody></table>\n");
                break;
            default:
                throw new InvalidOperationException($"Unknown block {block.GetType().Name}.");
        }
    }

    /// <summary>The text encoded, with its http(s) URLs and e-mail addresses as links.</summary>
    internal static string Linked(string text)
    {
        var html = new StringBuilder();
        var at = 0;
        foreach (Match m in LinkPattern().Matches(text))
        {
            var value = m.Value.TrimEnd('.', ',', ';', ':', ')', '!', '?');
            html.Append(E(text[at..m.Index]));
            var href = value.Contains("://", StringComparison.Ordinal) ? value : "mailto:" + value;
            html.Append("<a href=\"").Append(E(href)).Append("\">").Append(E(value)).Append("</a>");
            at = m.Index + value.Length;
        }
        html.Append(E(text[at..]));
        return html.ToString();
    }

    private static string E(string text) => Encoder.Encode(text);

    [GeneratedRegex(@"https?://[^\s<>""']+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();
}
