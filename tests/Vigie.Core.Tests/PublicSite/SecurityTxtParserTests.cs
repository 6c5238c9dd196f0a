using Vigie.Core.PublicSite;

namespace Vigie.Core.Tests.PublicSite;

/// <summary>The strict RFC 9116 reader, on the RFC's own examples and on files that break §2 one rule at a time.</summary>
public class SecurityTxtParserTests
{
    private static readonly DateTimeOffset Now = new(2021, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // RFC 9116 §2.5 and Appendix-style example fields (example.com URIs from the RFC), LF line ends.
    private const string RfcExample = """
        # Our security address
        Contact: mailto:security@example.com

        # Our OpenPGP key
        Encryption: https://example.com/pgp-key.txt

        # Our security policy
        Policy: https://example.com/security-policy.html

        # Our security acknowledgments page
        Acknowledgments: https://example.com/hall-of-fame.html

        Expires: 2021-12-31T18:37:07.000Z

        """;

    private static string Lf(string text) => text.ReplaceLineEndings("\n");

    [Fact]
    public void The_RFC_example_is_valid_and_read_field_by_field()
    {
        var result = SecurityTxtParser.Parse(Lf(RfcExample), Now);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.False(result.Signed);
        Assert.Equal(["mailto:security@example.com"], result.Values("Contact"));
        Assert.Equal(["https://example.com/pgp-key.txt"], result.Values("encryption"));
        Assert.Equal(new DateTimeOffset(2021, 12, 31, 18, 37, 7, TimeSpan.Zero), result.Expires);
        Assert.Equal(4, result.Fields.Count(f => f.KnownName is not null) - 1);
    }

    [Fact]
    public void Every_field_of_section_2_5_with_the_RFC_values_is_accepted()
    {
        var text = Lf("""
            Contact: mailto:security@example.com
            Contact: tel:+1-201-555-0123
            Contact: https://example.com/security-contact.html
            Encryption: https://example.com/pgp-key.txt
            Encryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY
            Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f
            Canonical: https://www.example.com/.well-known/security.txt
            Policy: https://example.com/disclosure.html
            Hiring: https://example.com/jobs.html
            Acknowledgments: https://example.com/hall-of-fame.html
            Preferred-Languages: en, es, fr
            Expires: 2021-12-31T18:37:07+02:00

            """);
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(3, result.Values("Contact").Count);
        Assert.Equal(["en", "es", "fr"], result.PreferredLanguages);
        Assert.Equal(new DateTimeOffset(2021, 12, 31, 16, 37, 7, TimeSpan.Zero), result.Expires!.Value.ToUniversalTime());
    }

    [Fact]
    public void Field_names_are_case_insensitive_CRLF_lines_and_unknown_fields_are_accepted()
    {
        var text = "CONTACT: mailto:security@example.com\r\nexpires: 2021-12-31T18:37:07Z\r\nX-Custom-Field: anything goes here\r\n# comment\r\n";
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal("Contact", result.Fields[0].KnownName);
        Assert.Null(result.Fields[2].KnownName);
        Assert.Equal("anything goes here", result.Fields[2].Value);
    }

    [Theory]
    [InlineData("Expires: 2021-12-31T18:37:07Z\n", "Contact")]                                       // no Contact
    [InlineData("Contact: mailto:a@example.com\n", "Expires")]                                      // no Expires
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\nExpires: 2021-11-30T00:00:00Z\n", "Expires")] // two Expires
    [InlineData("Contact: mailto:a@example.com\nExpires: 31/12/2021\n", "Expires")]                  // not RFC 3339
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31\n", "Expires")]                  // date without time
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-05-31T00:00:00Z\n", "Expires")]       // in the past
    [InlineData("Contact: http://example.com/report\nExpires: 2021-12-31T18:37:07Z\n", "Contact")]  // web URI not https
    [InlineData("Contact: security@example.com\nExpires: 2021-12-31T18:37:07Z\n", "Contact")]       // not a URI
    [InlineData("Contact: ftp://example.com/x\nExpires: 2021-12-31T18:37:07Z\n", "Contact")]        // scheme not allowed
    [InlineData("Contact: mailto:a@example.com\nPolicy: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\n", "Policy")]
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\nPreferred-Languages: en\nPreferred-Languages: fr\n", "Preferred-Languages")]
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\nPreferred-Languages: en, english!\n", "Preferred-Languages")]
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\nthis is not a field\n", "line 3")]
    [InlineData("Contact:mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\n", "line 1")]          // no space after the colon
    [InlineData("Contact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z", "line 2")]           // no final line break
    [InlineData("Contact: https://example.com/é\nExpires: 2021-12-31T18:37:07Z\n", "Contact")]      // not ASCII: not a URI
    public void A_file_that_breaks_one_rule_is_invalid_and_the_error_names_the_field(string text, string field)
    {
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void A_CR_inside_a_line_is_a_line_injection_and_is_refused()
    {
        // Seen as one line by a reader that splits on LF, as two by one that splits on CR.
        var text = "Contact: https://example.com/a\rExpires: 2030-01-01T00:00:00Z\nExpires: 2021-12-31T18:37:07Z\n";
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.Contains("CR not followed by LF", StringComparison.Ordinal));
    }

    [Fact]
    public void Loopback_http_is_accepted_for_test_servers_only()
    {
        Assert.Null(SecurityTxtRules.UriProblem("Contact", "http://127.0.0.1:5080/contact"));
        Assert.Null(SecurityTxtRules.UriProblem("Policy", "http://localhost/rfc2350"));
        Assert.NotNull(SecurityTxtRules.UriProblem("Policy", "http://csirt.example.org/rfc2350"));
        Assert.NotNull(SecurityTxtRules.UriProblem("Contact", "mailto:"));
        Assert.NotNull(SecurityTxtRules.UriProblem("Contact", "tel:call-me"));
    }

    [Fact]
    public void A_clear_signed_file_is_read_through_its_dash_escaping()
    {
        var text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            + "# Canonical file\nContact: mailto:security@example.com\n- # an escaped comment\n#- not escaped\nExpires: 2021-12-31T18:37:07Z\n"
            + "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n";
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.True(result.Signed);
        Assert.StartsWith("# Canonical file\nContact:", result.SignedText);
        Assert.Contains("\n# an escaped comment\n#- not escaped\n", result.SignedText);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----\n", result.Signature);
        Assert.Equal(["mailto:security@example.com"], result.Values("Contact"));
    }

    [Theory]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\n", "signature")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: mailto:a@example.com\nExpires: 2021-12-31T18:37:07Z\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\nContact: mailto:evil@example.net\n", "line 10")]
    [InlineData("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: mailto:a@example.com\n-Expires: 2021-12-31T18:37:07Z\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n", "line 5")]
    [InlineData("Contact: mailto:a@example.com\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nExpires: 2021-12-31T18:37:07Z\n", "line 2")]
    public void A_badly_signed_file_or_text_outside_the_signature_is_refused(string text, string field)
    {
        var result = SecurityTxtParser.Parse(text, Now);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void An_expiry_more_than_a_year_ahead_is_a_warning_not_an_error()
    {
        var result = SecurityTxtParser.Parse("Contact: mailto:a@example.com\nExpires: 2023-01-01T00:00:00Z\n", Now);
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Field.StartsWith("Expires", StringComparison.Ordinal));
    }

    [Fact]
    public void Huge_input_is_refused_without_being_read()
    {
        var result = SecurityTxtParser.Parse(new string('#', SecurityTxtParser.MaxLength + 1), Now);
        Assert.False(result.IsValid);
        Assert.Empty(result.Fields);
    }
}
