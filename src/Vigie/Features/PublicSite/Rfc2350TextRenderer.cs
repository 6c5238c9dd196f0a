using System.Globalization;
using System.Text;

namespace Vigie.Features.PublicSite;

/// <summary>
/// The plain-text RFC 2350 document as CSIRTs publish it: UTF-8, LF line ends, at most
/// <see cref="Width"/> characters per line, no trailing spaces (so that the cleartext signature covers
/// exactly what is served, RFC 9580 §7.2), one blank line between blocks.
/// </summary>
public static class Rfc2350TextRenderer
{
    /// <summary>The widest line, in characters (text elements).</summary>
    public const int Width = 72;

    public static string Render(Rfc2350Doc doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var output = new List<string>();
        void Blank()
        {
            if (output.Count > 0 && output[^1].Length > 0)
            {
                output.Add("");
            }
        }

        output.AddRange(Wrap(doc.Title, "", ""));
        output.AddRange(Wrap(doc.VersionLine, "", ""));
        output.Add("");
        output.AddRange(Wrap(doc.ContentsTitle, "", ""));
        output.Add("");
        void Contents(DocSection section, int depth)
        {
            if (section.Title.Length == 0)
            {
                return;
            }
            var indent = new string(' ', 3 * depth);
            output.AddRange(Wrap(section.Heading, indent, indent + new string(' ', section.Number.Length + 1)));
            foreach (var sub in section.Subsections)
            {
                Contents(sub, depth + 1);
            }
        }
        foreach (var section in doc.Sections)
        {
            Contents(section, 0);
        }

        void Section(DocSection section, int depth)
        {
            if (section.Title.Length > 0)
            {
                Blank();
                if (depth == 0)
                {
                    output.Add("");
                }
                output.AddRange(Wrap(section.Heading, "", new string(' ', section.Number.Length + 1)));
            }
            foreach (var block in section.Blocks)
            {
                Blank();
                Block(block);
            }
            foreach (var sub in section.Subsections)
            {
                Section(sub, depth + 1);
            }
        }

        void Block(DocBlock block)
        {
            switch (block)
            {
                case DocParagraph p:
                    foreach (var line in p.Text.Split('\n'))
                    {
                        output.AddRange(Wrap(line, "", ""));
                    }
                    break;
                case DocLines l:
                    foreach (var line in l.Lines)
                    {
                        output.AddRange(Wrap(line, "   ", "   "));
                    }
                    break;
                case DocList list:
                    foreach (var item in list.Items)
                    {
                        output.AddRange(Wrap(item.Text, "- ", "  "));
                        for (var i = 0; i < item.SubItems.Count; i++)
                        {
                            var mark = $"  {i + 1}. ";
                            output.AddRange(Wrap(item.SubItems[i], mark, new string(' ', mark.Length)));
                        }
                    }
                    break;
                case DocTable t:
                    Table(t);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown block {block.GetType().Name}.");
            }
        }

        void Table(DocTable t)
        {
            // Every column but the last as wide as its widest cell; the last one wraps in what is left.
            var columns = t.Header.Count;
            var widths = Enumerable.Range(0, columns - 1)
                .Select(c => t.Rows.Select(r => Length(r[c])).Append(Length(t.Header[c])).Max())
                .ToArray();
            var indent = widths.Sum() + (2 * (columns - 1));
            foreach (var row in t.Rows.Prepend(t.Header))
            {
                var first = string.Concat(Enumerable.Range(0, columns - 1).Select(c => row[c] + new string(' ', widths[c] - Length(row[c]) + 2)));
                output.AddRange(indent < Width / 2
                    ? Wrap(row[^1], first, new string(' ', indent))
                    : [first.TrimEnd(), .. Wrap(row[^1], "    ", "    ")]);
            }
        }

        foreach (var section in doc.Sections)
        {
            Section(section, 0);
        }
        return string.Join('\n', output) + "\n";
    }

    /// <summary>
    /// Greedy word wrap: <paramref name="first"/> before the first line, <paramref name="rest"/> before the
    /// others. A word longer than a line (a long URL) is cut, so that no line is ever wider than <see cref="Width"/>.
    /// </summary>
    internal static IEnumerable<string> Wrap(string text, string first, string rest)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            if (first.Trim().Length > 0)
            {
                yield return first.TrimEnd();
            }
            yield break;
        }
        var line = new StringBuilder(first);
        var prefixLength = Length(first);
        var lineLength = prefixLength;
        var empty = true;
        foreach (var original in words)
        {
            var word = original;
            while (true)
            {
                var needed = Length(word) + (empty ? 0 : 1);
                if (lineLength + needed <= Width)
                {
                    if (!empty)
                    {
                        line.Append(' ');
                    }
                    line.Append(word);
                    lineLength += needed;
                    empty = false;
                    break;
                }
                if (!empty)
                {
                    yield return line.ToString();
                    line.Clear().Append(rest);
                    lineLength = prefixLength = Length(rest);
                    empty = true;
                    continue;
                }
                // The word alone does not fit: cut it at the line's end.
                var room = Width - lineLength;
                var head = Take(word, room);
                yield return line.Append(head).ToString();
                word = word[head.Length..];
                line.Clear().Append(rest);
                lineLength = prefixLength = Length(rest);
            }
        }
        if (!empty)
        {
            yield return line.ToString();
        }
    }

    /// <summary>Length in text elements (what a terminal shows as characters), not UTF-16 units.</summary>
    internal static int Length(string s) => new StringInfo(s).LengthInTextElements;

    private static string Take(string s, int elements)
    {
        var info = new StringInfo(s);
        return info.LengthInTextElements <= elements ? s : info.SubstringByTextElements(0, Math.Max(1, elements));
    }
}
