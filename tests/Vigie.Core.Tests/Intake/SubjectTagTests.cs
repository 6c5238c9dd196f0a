using CsCheck;
using Vigie.Core.Intake;

namespace Vigie.Core.Tests.Intake;

public class SubjectTagTests
{
    private const string Tag = "CERT";

    [Theory]
    [InlineData("CERT", 2026, 42, "[CERT #2026-0042]")]
    [InlineData("CERT-Vigie", 2026, 1, "[CERT-Vigie #2026-0001]")]
    [InlineData("Équipe sécurité", 2027, 12345, "[Équipe sécurité #2027-12345]")]
    [InlineData("C", 1970, 999_999, "[C #1970-999999]")]
    public void Formats_the_tag_with_the_incident_number(string tag, int year, int sequence, string expected) =>
        Assert.Equal(expected, SubjectTag.Format(tag, year, sequence));

    [Theory]
    [InlineData("")]
    [InlineData(" CERT")]
    [InlineData("CERT ")]
    [InlineData("CE[RT")]
    [InlineData("CE]RT")]
    [InlineData("CE#RT")]
    [InlineData("CE\rRT")]
    [InlineData("CE\nRT")]
    [InlineData("CE\tRT")]
    [InlineData("CE\u0000RT")]
    [InlineData("12345678901234567890123456789012345678901")] // 41 characters
    public void Refuses_tags_that_cannot_be_read_back(string tag)
    {
        Assert.Throws<ArgumentException>(() => SubjectTag.Format(tag, 2026, 42));
        Assert.Throws<ArgumentException>(() => SubjectTag.TryFind("[CERT #2026-0042]", tag, out _, out _));
    }

    [Fact]
    public void Refuses_a_null_tag_and_numbers_out_of_range()
    {
        Assert.Throws<ArgumentNullException>(() => SubjectTag.Format(null!, 2026, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubjectTag.Format(Tag, 1969, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubjectTag.Format(Tag, 10_000, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubjectTag.Format(Tag, 2026, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SubjectTag.Format(Tag, 2026, 1_000_000));
        Assert.Equal(40, SubjectTag.Format(new string('x', 40), 2026, 1).Length - " #2026-0001]".Length - 1);
    }

    [Theory]
    [InlineData("[CERT #2026-0042] Phishing", 2026, 42)]
    [InlineData("Re: [CERT #2026-0042] Phishing", 2026, 42)]
    [InlineData("TR: Fwd: AW: RE: [cert #2026-0042] Phishing", 2026, 42)]
    [InlineData("Phishing [CERT #2026-0042]", 2026, 42)]
    [InlineData("[CERT#2026-0042]", 2026, 42)]
    [InlineData("[ CERT #2026-0042 ]", 2026, 42)]
    [InlineData("[CERT # 2026-0042]", 2026, 42)]
    [InlineData("[CERT\u00A0#2026-0042]", 2026, 42)]
    [InlineData("[CERT #2026-42]", 2026, 42)] // fewer than four digits: accepted (retyped tags)
    [InlineData("[CERT #2026-7]", 2026, 7)]
    [InlineData("[CERT #2026-123456]", 2026, 123_456)]
    [InlineData("[[CERT #2026-0042]]", 2026, 42)]
    [InlineData("[OTHER #2025-0001] Re: [CERT #2026-0042]", 2026, 42)] // other teams' tags are ignored
    [InlineData("Re: [CERT #2026-0007] about [CERT #2026-0042]", 2026, 42)] // the last of ours wins
    [InlineData("[CERT #2026-0042] Re: [CERT #2025-0100] [CERT #2026-12]", 2026, 12)]
    [InlineData("[CERT #2026-0042] [CERT #2026-0000]", 2026, 42)] // the last *valid* one
    public void Finds_the_last_tag_of_the_team(string subject, int year, int sequence)
    {
        Assert.True(SubjectTag.TryFind(subject, Tag, out var y, out var s));
        Assert.Equal((year, sequence), (y, s));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Phishing report")]
    [InlineData("CERT #2026-0042")] // no brackets
    [InlineData("[CERT #2026-0042")] // not closed
    [InlineData("[OTHER #2026-0042]")]
    [InlineData("[CERT-FR #2026-0042]")] // a tag that merely starts with ours
    [InlineData("[CERTX #2026-0042]")]
    [InlineData("[X CERT #2026-0042]")]
    [InlineData("[CERT 2026-0042]")] // no '#'
    [InlineData("[CERT #2026-1234567]")] // more than six digits
    [InlineData("[CERT #26-0042]")]
    [InlineData("[CERT #1969-0042]")]
    [InlineData("[CERT #2026-0000]")]
    [InlineData("[CERT #2026-]")]
    [InlineData("[CERT #2026-0042x]")]
    [InlineData("[CERT #２０２６-0042]")] // full-width digits are not ASCII digits
    public void Finds_nothing_without_a_valid_tag_of_the_team(string? subject)
    {
        Assert.False(SubjectTag.TryFind(subject, Tag, out var year, out var sequence));
        Assert.Equal((0, 0), (year, sequence));
    }

    [Theory]
    [InlineData("Phishing report", "Re: Phishing report [CERT #2026-0042]")]
    [InlineData("Re: Phishing report", "Re: Phishing report [CERT #2026-0042]")]
    [InlineData("RE : Phishing report", "RE : Phishing report [CERT #2026-0042]")]
    [InlineData("re: [CERT #2026-0042] Phishing", "re: [CERT #2026-0042] Phishing")]
    [InlineData("Re: [cert#2026-42] Phishing", "Re: [cert#2026-42] Phishing")] // already resolves to this incident
    [InlineData("[CERT #2026-0042] Phishing", "Re: [CERT #2026-0042] Phishing")]
    [InlineData("TR: Phishing", "Re: TR: Phishing [CERT #2026-0042]")]
    [InlineData("Reporting phishing", "Re: Reporting phishing [CERT #2026-0042]")] // "Re" must be followed by ':'
    [InlineData("Re: [CERT #2026-0007] old case", "Re: [CERT #2026-0007] old case [CERT #2026-0042]")]
    [InlineData(null, "Re: [CERT #2026-0042]")]
    [InlineData("   ", "Re: [CERT #2026-0042]")]
    [InlineData("  Phishing \t", "Re: Phishing [CERT #2026-0042]")]
    [InlineData("Phishing\r\nBcc: victim@example.com", "Re: Phishing  Bcc: victim@example.com [CERT #2026-0042]")]
    public void Builds_the_reply_subject(string? original, string expected) =>
        Assert.Equal(expected, SubjectTag.ForReply(original, Tag, 2026, 42));

    private static readonly Gen<string> TagGen =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/ éÉçÇ"].Array[1, 40]
            .Select(c => new string(c))
            .Where(t => !char.IsWhiteSpace(t[0]) && !char.IsWhiteSpace(t[^1]));

    private static readonly Gen<string> SubjectGen =
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789 :-[]#éà\r\n\t"].Array[0, 60].Select(c => new string(c));

    [Fact]
    public void Formatted_tags_are_found_in_any_subject_and_replies_keep_resolving_to_their_incident() =>
        Gen.Select(TagGen, Gen.Int[1970, 9999], Gen.Int[1, 999_999], SubjectGen, SubjectGen).Sample((tag, year, sequence, before, after) =>
        {
            var formatted = SubjectTag.Format(tag, year, sequence);
            Assert.True(SubjectTag.TryFind(before + formatted + " " + after.Replace("[", "(", StringComparison.Ordinal), tag, out var y, out var s));
            Assert.Equal((year, sequence), (y, s));
            Assert.True(SubjectTag.TryFind(before + formatted.ToLowerInvariant().Replace(" #", "#", StringComparison.Ordinal), tag, out y, out s));
            Assert.Equal((year, sequence), (y, s));

            var reply = SubjectTag.ForReply(before, tag, year, sequence);
            Assert.True(SubjectTag.TryFind(reply, tag, out y, out s));
            Assert.Equal((year, sequence), (y, s));
            Assert.StartsWith("Re:", reply, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(reply, char.IsControl);
            Assert.Equal(reply, SubjectTag.ForReply(reply, tag, year, sequence)); // idempotent: the tag is added once
        });
}
