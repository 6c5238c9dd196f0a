using Vigie.Core.Incidents;
using Vigie.Core.Reports;

namespace Vigie.Core.Tests.Reports;

public class IncidentDraftTests
{
    [Theory]
    [InlineData("Re: Fwd: TR: Phishing at Lilas", "Phishing at Lilas")]
    [InlineData("RE:RE: fwd:  Malware", "Malware")]
    [InlineData("Re[2]: Scan", "Scan")]
    [InlineData("Report: rest", "Report: rest")]
    [InlineData("   ", "")]
    public void The_title_is_the_subject_without_reply_prefixes(string subject, string title) =>
        Assert.Equal(title, IncidentDrafts.CleanSubject(subject));

    [Theory]
    [InlineData("Please treat as TLP:AMBER", Tlp.Amber)]
    [InlineData("tlp: amber+strict", Tlp.AmberStrict)]
    [InlineData("TLP:WHITE then TLP:GREEN", Tlp.Green)]
    [InlineData("TLP:CLEAR and TLP:RED", Tlp.Red)]
    [InlineData("the tlp is not said here", null)]
    [InlineData("XTLP:RED", null)]
    public void The_most_restrictive_tlp_label_written_is_found(string text, Tlp? expected) =>
        Assert.Equal(expected, IncidentDrafts.FindTlp(text));

    [Fact]
    public void A_draft_takes_the_first_subject_the_first_lines_and_the_strictest_tlp_of_all_reports()
    {
        var text = "\n\nHello,\n" + string.Join("\n", Enumerable.Range(1, 30).Select(i => $"line {i}"));
        var draft = IncidentDrafts.From([new DraftSource("Fwd: Botnet", text, "a@b.example"), new DraftSource("Other", "TLP:RED", null)]);
        Assert.Equal("Botnet", draft.Title);
        Assert.Equal(Tlp.Red, draft.Tlp);
        Assert.True(draft.TlpFromReport);
        Assert.StartsWith("Hello,\nline 1\n", draft.Description, StringComparison.Ordinal);
        Assert.Equal(IncidentDrafts.MaxDescriptionLines, draft.Description!.Split('\n').Length);
    }

    [Fact]
    public void Without_subject_nor_label_the_draft_names_the_sender_and_stays_amber()
    {
        var draft = IncidentDrafts.From([new DraftSource(null, "no label", "rep@x.example")]);
        Assert.Equal("Report from rep@x.example", draft.Title);
        Assert.Equal(Tlp.Amber, draft.Tlp);
        Assert.False(draft.TlpFromReport);
        Assert.Equal(Tlp.Amber, IncidentDrafts.From([]).Tlp);
    }
}
