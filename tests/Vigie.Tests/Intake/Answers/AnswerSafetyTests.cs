using System.Text;
using MimeKit;
using Vigie.Features.Intake.Answers;

namespace Vigie.Tests.Intake.Answers;

// The report is hostile input: what it says must never become a header of our mail, nor break its format.
public sealed class AnswerSafetyTests
{
    [Fact]
    public void A_subject_trying_to_add_a_bcc_header_stays_one_harmless_line()
    {
        var context = AnswerKit.Context(subject: "Hello\r\nBcc: evil@attacker.example\r\n\r\nInjected body\n\rX-Evil: 1\0");

        var (bytes, parsed) = AnswerKit.RoundTrip(AnswerKit.Composer().Compose(context));
        var wire = Encoding.UTF8.GetString(bytes);
        var head = wire[..wire.IndexOf("\r\n\r\n", StringComparison.Ordinal)];

        Assert.Empty(parsed.Bcc);
        Assert.False(parsed.Headers.Contains(HeaderId.Bcc));
        Assert.False(parsed.Headers.Contains("X-Evil"));
        Assert.DoesNotContain("\r\nBcc:", head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\r\nX-Evil:", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(
            "Re: Hello Bcc: evil@attacker.example Injected body X-Evil: 1 [cegedim.cloud CSIRT #2026-0042]",
            parsed.Subject);
        Assert.Equal(["alice@clinique-du-parc.example"], parsed.To.Mailboxes.Select(m => m.Address));
        // In the body too the value is one line: it cannot forge a paragraph or a separator.
        Assert.Contains("« Hello Bcc: evil@attacker.example Injected body X-Evil: 1 »", AnswerKit.Text(parsed), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_ids_from_the_report_cannot_inject_headers_either()
    {
        var context = AnswerKit.Context(constituent: "ACME\r\nBcc: evil@attacker.example") with
        {
            To = new MailboxAddress("Alice\r\nBcc: evil@attacker.example", "alice@clinique-du-parc.example"),
            OriginalMessageId = "id@x>\r\nBcc: <evil@attacker.example",
            OriginalReferences = ["<ok@mail.example>", "bad id@x", "bad\r\nBcc: evil@attacker.example", ""],
            IncidentNumber = "2026-0042\r\nBcc: evil@attacker.example",
        };

        var (bytes, parsed) = AnswerKit.RoundTrip(AnswerKit.Composer().Compose(context));
        var wire = Encoding.UTF8.GetString(bytes);

        Assert.Empty(parsed.Bcc);
        Assert.DoesNotContain("\r\nBcc:", wire, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Alice Bcc: evil@attacker.example", Assert.Single(parsed.To.Mailboxes).Name);
        // An id that is not a plausible msg-id is dropped rather than repaired.
        Assert.Null(parsed.InReplyTo);
        Assert.Equal(["ok@mail.example"], parsed.References);
        Assert.DoesNotContain('\n', parsed.Subject ?? "");
    }

    [Fact]
    public void A_recipient_address_without_domain_is_refused()
    {
        // MimeKit already refuses control characters in an address it parses; a local-only address gets through it.
        Assert.Throws<ParseException>(() => new MailboxAddress("Alice", "alice@example.org\r\nBcc: evil@attacker.example"));
        var context = AnswerKit.Context() with { To = new MailboxAddress("Alice", "postmaster") };

        var ex = Assert.Throws<ArgumentException>(() => AnswerKit.Composer().Compose(context));

        Assert.StartsWith("'postmaster' is not an address an answer can be sent to.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_and_bidirectional_characters_are_removed_from_inserted_values()
    {
        // U+202E would display "txt.exe" as "exe.txt"; NUL and BEL have no business in a mail.
        var context = AnswerKit.Context(subject: "Invoice\u202Etxt.exe\u0000\u0007 urgent", constituent: "Clinique\u2028du\u00A0Parc\u200F");

        var message = AnswerKit.Composer().Compose(context);
        var text = AnswerKit.Text(message);

        Assert.Equal("Re: Invoicetxt.exe urgent [cegedim.cloud CSIRT #2026-0042]", message.Subject);
        Assert.Contains("« Invoicetxt.exe urgent »", text, StringComparison.Ordinal);
        Assert.Contains("pour Clinique du Parc sous le numéro", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text, c => c is '\u202E' or '\u200F' or '\u2028' or '\0' or '\u0007');
    }

    [Fact]
    public void A_10_KB_subject_is_clipped_and_no_header_line_is_too_long()
    {
        var huge = string.Concat(Enumerable.Repeat("Très long objet ", 640)); // 10,240 characters

        var (bytes, parsed) = AnswerKit.RoundTrip(AnswerKit.Composer().Compose(AnswerKit.Context(subject: huge)));

        Assert.StartsWith("Re: Très long objet Très long objet", parsed.Subject, StringComparison.Ordinal);
        Assert.EndsWith("… [cegedim.cloud CSIRT #2026-0042]", parsed.Subject, StringComparison.Ordinal);
        Assert.InRange(parsed.Subject!.Length, 100, 4 + AnswerText.MaxSubjectLength + 1 + "[cegedim.cloud CSIRT #2026-0042]".Length);
        Assert.DoesNotContain('\n', parsed.Subject ?? "");
        Assert.Contains("« Très long objet Très long objet", AnswerKit.Text(parsed), StringComparison.Ordinal);
        Assert.Contains(" objet Très lo… »", AnswerKit.Text(parsed), StringComparison.Ordinal);
        // RFC 5322 §2.1.1: lines of at most 998 octets; MimeKit folds at 78.
        Assert.All(Lines(bytes), line => Assert.True(line.Length <= 998, $"line of {line.Length} octets"));
        Assert.True(bytes.Length < 16_000, $"{bytes.Length} bytes");
    }

    [Fact]
    public void Clipping_never_splits_a_surrogate_pair()
    {
        var subject = new string('a', AnswerText.MaxSubjectLength - 2) + "😀😀😀";

        var clipped = AnswerText.SingleLine(subject, AnswerText.MaxSubjectLength);

        Assert.True(clipped.Length <= AnswerText.MaxSubjectLength);
        Assert.EndsWith("a…", clipped, StringComparison.Ordinal);
        Assert.DoesNotContain(clipped, char.IsSurrogate);
    }

    [Fact]
    public void The_message_goes_on_the_wire_with_crlf_only_and_parses_back_identical()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context());

        var (bytes, parsed) = AnswerKit.RoundTrip(message);

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                Assert.True(i > 0 && bytes[i - 1] == '\r', $"bare LF at byte {i}");
            }
            else if (bytes[i] == '\r')
            {
                Assert.True(i + 1 < bytes.Length && bytes[i + 1] == '\n', $"bare CR at byte {i}");
            }
        }

        // Quoted-printable: the body on the wire is 7-bit (RFC 3156 §3), the accents survive.
        Assert.All(bytes, b => Assert.True(b < 0x80, $"8-bit octet 0x{b:X2}"));
        Assert.Equal(message.Subject, parsed.Subject);
        Assert.Equal(message.MessageId, parsed.MessageId);
        Assert.Equal(message.InReplyTo, parsed.InReplyTo);
        Assert.Equal(message.References, parsed.References);
        Assert.Equal(message.Date, parsed.Date);
        Assert.Equal("auto-replied", parsed.Headers["Auto-Submitted"]);
        Assert.Equal("fr, en", AnswerKit.Language(parsed));
        Assert.Equal(AnswerKit.Text(message).ReplaceLineEndings("\n"), AnswerKit.Text(parsed).ReplaceLineEndings("\n"));
        Assert.Contains("Nous avons bien reçu", AnswerKit.Text(parsed), StringComparison.Ordinal);
    }

    private static IEnumerable<byte[]> Lines(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                yield return bytes[start..i];
                start = i + 1;
            }
        }

        yield return bytes[start..];
    }
}
