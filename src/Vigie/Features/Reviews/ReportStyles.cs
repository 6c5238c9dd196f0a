namespace Vigie.Features.Reviews;

/// <summary>
/// The closure report's stylesheet, inlined into the document so that the HTML and the PDF load
/// nothing (no remote content; Chromium prints from a file:// copy).
/// </summary>
internal static class ReportStyles
{
    // TLP 2.0 (FIRST): the label in its colour on a black background, at the top and the bottom
    // of every page. Chromium ignores @page margin boxes, so the marks are position:fixed (which
    // print repeats on every page) and the frame table's thead/tfoot (repeated on every page too)
    // reserve their room so the text never runs under them.
    public const string Css = """
        @page { size: A4; margin: 10mm 14mm; }
        * { box-sizing: border-box; }
        html { font-size: 10.5pt; }
        body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2330; line-height: 1.4;
               -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        .tlp-mark { display: block; text-align: right; padding: 1.2mm 3mm; background: #000; font-weight: 700; letter-spacing: .04em;
                    font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; }
        .tlp-red { color: #FF2B2B; } .tlp-amber, .tlp-amber-strict { color: #FFC000; } .tlp-green { color: #33FF00; } .tlp-clear { color: #FFFFFF; }
        .tlp-mark .doc { float: left; color: #fff; font-weight: 400; letter-spacing: 0; font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; }
        table.frame { width: 100%; border-collapse: collapse; }
        table.frame > thead > tr > td, table.frame > tfoot > tr > td, table.frame > tbody > tr > td { padding: 0; border: 0; }
        .mark-space { height: 12mm; }
        @media screen {
          body { max-width: 210mm; margin: 0 auto; padding: 0 4mm; background: #fff; }
          .mark-space { display: none; }
          .tlp-top { margin-top: 4mm; } .tlp-bottom { margin-bottom: 4mm; }
        }
        @media print {
          .tlp-top { position: fixed; top: 0; left: 0; right: 0; }
          .tlp-bottom { position: fixed; bottom: 0; left: 0; right: 0; }
          .no-print { display: none; }
        }
        header.title { border-bottom: 2px solid #14213d; padding: 4mm 0 3mm; margin-bottom: 4mm; }
        header.title .team { color: #5d6675; font-size: 9.5pt; text-transform: uppercase; letter-spacing: .05em; }
        h1 { font-size: 17pt; margin: 1mm 0 2mm; }
        h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #dde1e7; break-after: avoid; }
        h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; }
        .badges span { display: inline-block; border: 1px solid #c5cbd3; border-radius: 3px; padding: 0 2mm; margin-right: 1.5mm; font-size: 9pt; font-weight: 600; }
        .badges span.tlp { background: #000; border-color: #000; }
        .tlp-note { font-size: 8.5pt; color: #5d6675; margin: 2mm 0 0; }
        table.data { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
        table.data th, table.data td { text-align: left; vertical-align: top; padding: 1.2mm 1.8mm; border-bottom: 1px solid #dde1e7; }
        table.data th { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .03em; color: #5d6675; background: #f5f6f8; }
        table.data tr { break-inside: avoid; }
        table.kv th { width: 32%; text-transform: none; font-size: 9.5pt; letter-spacing: 0; }
        .cols { display: flex; gap: 6mm; } .cols > * { flex: 1; min-width: 0; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; }
        .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; overflow-wrap: anywhere; word-break: break-all; }
        .muted { color: #5d6675; } .small { font-size: 8.5pt; } .nowrap { white-space: nowrap; }
        .notice { border: 1px solid #fedf89; background: #fffaeb; color: #7a2e0e; padding: 2mm 3mm; border-radius: 3px; margin: 2mm 0; }
        .screen-note { border: 1px solid #dde1e7; background: #f5f6f8; padding: 2mm 3mm; border-radius: 3px; margin: 3mm 0; font-size: 9pt; }
        .empty { color: #5d6675; font-style: italic; }
        footer.meta { margin-top: 6mm; padding-top: 2mm; border-top: 1px solid #dde1e7; font-size: 8.5pt; color: #5d6675; }
        """;

    /// <summary>The CSS class of a TLP label's colour.</summary>
    public static string TlpClass(Core.Incidents.Tlp tlp) => "tlp-" + tlp.ToString().ToLowerInvariant().Replace("strict", "-strict", StringComparison.Ordinal);
}
