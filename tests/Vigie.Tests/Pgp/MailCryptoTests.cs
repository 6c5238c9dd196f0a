using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Features.Pgp;

namespace Vigie.Tests.Pgp;

/// <summary>Inbound mail protected by a real gpg, opened by Vigie; Vigie's answers checked by gpg.</summary>
public sealed class MailCryptoTests(GpgHome gpg, TeamKeyring team) : IClassFixture<GpgHome>, IClassFixture<TeamKeyring>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Report = "Bonjour,\nthe host 203.0.113.5 scans our network since 09:00 UTC.\nRégards, the partner SOC\n";

    private static string Headers(string from, string subject) =>
        $"From: Reporter <{from}>\nTo: cert@csirt.test\nSubject: {subject}\nMessage-ID: <{Guid.NewGuid():N}@partner.test>\nMIME-Version: 1.0\n";

    /// <summary>RFC 3156 §4 wrapper around what gpg wrote.</summary>
    private static MimeMessage PgpMime(string from, string armored) => TestKeys.Load(
        Headers(from, "Encrypted report")
        + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\n\n"
        + "--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
        + "--enc\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n" + armored + "\n--enc--\n");

    private static string InnerEntity(string text) =>
        TestKeys.Crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text);

    private async Task<MimeMessage> SignedByGpgAsync(string signer, string signedPart, IEnumerable<string>? extraParts = null)
    {
        var signature = await gpg.TransformAsync(signedPart, Ct, "--armor", "--detach-sign", "--digest-algo", "SHA256", "-u", signer);
        return SignedMail(signer, signedPart, signature, extraParts);
    }

    /// <summary>RFC 3156 §5: the signed part is exactly the bytes between the boundaries, CRLF.</summary>
    private static MimeMessage SignedMail(string from, string signedPart, string signature, IEnumerable<string>? extraParts = null)
    {
        var raw = TestKeys.Crlf(Headers(from, "Signed report")
            + "Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\n"
            + "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n"
            + "--sig\n") + signedPart + TestKeys.Crlf("\n--sig\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n"
            + signature + "\n--sig--\n"
            + string.Concat((extraParts ?? []).Select(p => "\n--outer\n" + p))
            + "\n--outer--\n");
        return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));
    }

    private static string KeyPart(string file) =>
        "Content-Type: application/pgp-keys; name=\"key.asc\"\nContent-Disposition: attachment; filename=\"key.asc\"\n\n"
        + File.ReadAllText(TestKeys.File(file));

    private static byte[] Dearmor(string armored)
    {
        var lines = armored.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var body = lines.IndexOf("") + 1;
        return Convert.FromBase64String(string.Concat(lines.Skip(body).TakeWhile(l => !l.StartsWith('=') && !l.StartsWith('-'))));
    }

    private static string TextOf(MimeEntity entity) => entity switch
    {
        TextPart text => text.Text,
        Multipart multipart => string.Concat(multipart.OfType<TextPart>().Select(t => t.Text)),
        _ => throw new InvalidOperationException($"Unexpected body {entity.ContentType.MimeType}"),
    };

    [Fact]
    public async Task PgpMime_encrypted_and_signed_by_gpg_RSA_is_decrypted_and_verified()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report), Ct, "--armor", "--sign", "--encrypt", "-u", "bob@partner.test", "-r", "cert@csirt.test");
        var opened = team.Crypto.Open(PgpMime("bob@partner.test", armored));

        Assert.True(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.Decrypted, opened.Decryption);
        Assert.Null(opened.DecryptionError);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Equal("pgp-mime", opened.SignatureKind);
        Assert.Equal(TestKeys.BobFingerprint, opened.SignerFingerprint);
        Assert.Equal("bob@partner.test", opened.SignerEmail);
        var text = Assert.IsType<TextPart>(opened.Body);
        Assert.Equal(Report, text.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task PgpMime_Ed25519_signer_and_Cv25519_team_key_work()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report), Ct, "--armor", "--sign", "--encrypt", "-u", "alice@partner.test", "-r", "cert-ed@csirt.test");
        var opened = team.Crypto.Open(PgpMime("alice@partner.test", armored));

        Assert.Equal(DecryptionOutcome.Decrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Equal(TestKeys.AliceFingerprint, opened.SignerFingerprint);
        Assert.Contains("203.0.113.5", TextOf(opened.Body));
    }

    [Fact]
    public async Task PgpMime_encrypted_only_is_decrypted_and_not_signed()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report), Ct, "--armor", "--encrypt", "-r", "cert@csirt.test");
        var opened = team.Crypto.Open(PgpMime("bob@partner.test", armored));
        Assert.Equal(DecryptionOutcome.Decrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.NotSigned, opened.Signature);
        Assert.Null(opened.SignatureKind);
        Assert.Contains("203.0.113.5", TextOf(opened.Body));
    }

    [Fact]
    public async Task Encrypted_to_another_key_fails_with_a_readable_reason()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report), Ct, "--armor", "--encrypt", "-r", "mallory@elsewhere.test");
        var message = PgpMime("mallory@elsewhere.test", armored);
        var opened = team.Crypto.Open(message);

        Assert.True(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.StartsWith("No secret key for key id 0x", opened.DecryptionError);
        Assert.Contains("not encrypted to a key of the team", opened.DecryptionError);
        Assert.Same(message.Body, opened.Body);
    }

    [Fact]
    public async Task Tampered_encrypted_data_fails_the_integrity_check_without_throwing()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report + new string('x', 500)), Ct, "--armor", "--compress-algo", "none", "--encrypt", "-r", "cert@csirt.test");
        // Flip one bit near the end of the encrypted data, then re-armor it.
        var bytes = Dearmor(armored);
        bytes[^40] ^= 0x01;
        var broken = "-----BEGIN PGP MESSAGE-----\n\n" + Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PGP MESSAGE-----\n";

        var opened = team.Crypto.Open(PgpMime("bob@partner.test", broken));
        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.Contains("integrity check (MDC) failed", opened.DecryptionError);
    }

    [Fact]
    public async Task Multipart_signed_by_gpg_is_good_and_the_body_is_the_signed_content()
    {
        var part = InnerEntity(Report).TrimEnd('\r', '\n');
        var opened = team.Crypto.Open(await SignedByGpgAsync("alice@partner.test", part));

        Assert.False(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.NotEncrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Equal("pgp-mime", opened.SignatureKind);
        Assert.Equal(TestKeys.AliceFingerprint, opened.SignerFingerprint);
        Assert.Equal("alice@partner.test", opened.SignerEmail);
        // The signed part replaces the multipart/signed inside the outer multipart/mixed.
        var mixed = Assert.IsType<Multipart>(opened.Body);
        Assert.Contains("203.0.113.5", Assert.IsType<TextPart>(mixed[0]).Text);
    }

    [Fact]
    public async Task Tampered_signed_content_is_bad()
    {
        var part = InnerEntity(Report).TrimEnd('\r', '\n');
        var signature = await gpg.TransformAsync(part, Ct, "--armor", "--detach-sign", "-u", "bob@partner.test");
        var opened = team.Crypto.Open(SignedMail("bob@partner.test", part.Replace("203.0.113.5", "203.0.113.6", StringComparison.Ordinal), signature));

        Assert.Equal(SignatureOutcome.Bad, opened.Signature);
        Assert.Equal(TestKeys.BobFingerprint, opened.SignerFingerprint);
        Assert.Contains("changed after it was signed", opened.SignatureError);
    }

    [Fact]
    public async Task Unknown_signer_is_reported_with_the_key_id()
    {
        var part = InnerEntity(Report).TrimEnd('\r', '\n');
        var opened = team.Crypto.Open(await SignedByGpgAsync("mallory@elsewhere.test", part));

        Assert.Equal(SignatureOutcome.UnknownKey, opened.Signature);
        Assert.Null(opened.SignerFingerprint);
        Assert.Contains("neither in the team's keyring nor attached", opened.SignatureError);
        Assert.Contains("0x", opened.SignatureError);
    }

    [Fact]
    public async Task Signer_key_attached_to_the_mail_gives_good_unverified_and_is_not_imported()
    {
        var part = InnerEntity(Report).TrimEnd('\r', '\n');
        var opened = team.Crypto.Open(await SignedByGpgAsync("mallory@elsewhere.test", part, [KeyPart("mallory.pub.asc")]));

        Assert.Equal(SignatureOutcome.GoodUnverifiedKey, opened.Signature);
        Assert.Equal(TestKeys.MalloryFingerprint, opened.SignerFingerprint);
        Assert.Equal("mallory@elsewhere.test", opened.SignerEmail);
        Assert.DoesNotContain(team.Keyring.List(), k => k.Fingerprint == TestKeys.MalloryFingerprint);
    }

    [Fact]
    public async Task Attached_key_inside_the_encrypted_content_is_used_too()
    {
        var inner = TestKeys.Crlf("Content-Type: multipart/mixed; boundary=\"in\"\n\n--in\nContent-Type: text/plain\n\n" + Report
            + "\n--in\n" + KeyPart("mallory.pub.asc") + "\n--in--\n");
        var armored = await gpg.TransformAsync(inner, Ct, "--armor", "--sign", "--encrypt", "-u", "mallory@elsewhere.test", "-r", "cert@csirt.test");
        var opened = team.Crypto.Open(PgpMime("mallory@elsewhere.test", armored));

        Assert.Equal(DecryptionOutcome.Decrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.GoodUnverifiedKey, opened.Signature);
        Assert.Equal(TestKeys.MalloryFingerprint, opened.SignerFingerprint);
    }

    [Fact]
    public async Task Inline_encrypted_and_signed_text_is_recovered_in_place()
    {
        var armored = await gpg.TransformAsync(Report, Ct, "--armor", "--sign", "--encrypt", "-u", "alice@partner.test", "-r", "cert@csirt.test");
        var message = TestKeys.Load(Headers("alice@partner.test", "Inline") + "Content-Type: text/plain; charset=utf-8\n\n"
            + "Hello team, see below.\n\n" + armored + "\nAlice\n");
        var opened = team.Crypto.Open(message);

        Assert.True(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.Decrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Equal("pgp-inline", opened.SignatureKind);
        Assert.Equal(TestKeys.AliceFingerprint, opened.SignerFingerprint);
        var text = Assert.IsType<TextPart>(opened.Body).Text;
        Assert.StartsWith("Hello team, see below.", text);
        Assert.Contains("Régards, the partner SOC", text);
        Assert.EndsWith("\nAlice", text.TrimEnd());
        Assert.DoesNotContain("BEGIN PGP MESSAGE", text);
    }

    [Fact]
    public async Task Inline_encrypted_to_another_key_keeps_the_armored_text_and_fails()
    {
        var armored = await gpg.TransformAsync(Report, Ct, "--armor", "--encrypt", "-r", "mallory@elsewhere.test");
        var opened = team.Crypto.Open(TestKeys.Load(Headers("x@partner.test", "Inline") + "Content-Type: text/plain\n\n" + armored));
        Assert.True(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.StartsWith("No secret key for key id", opened.DecryptionError);
        Assert.Contains("BEGIN PGP MESSAGE", Assert.IsType<TextPart>(opened.Body).Text);
    }

    [Fact]
    public async Task Inline_clearsigned_text_is_verified_with_dash_escapes_and_trailing_spaces()
    {
        const string text = "Abuse report\n- a line starting with a dash\n-----not an armor line\ntrailing spaces here   \n\nIP 198.51.100.7\n";
        var clearsigned = await gpg.TransformAsync(text, Ct, "--clearsign", "--digest-algo", "SHA512", "-u", "bob@partner.test");
        Assert.Contains("- -----not an armor line", clearsigned); // gpg dash-escaped it
        var opened = team.Crypto.Open(TestKeys.Load(Headers("bob@partner.test", "Clear") + "Content-Type: text/plain; charset=utf-8\n\n" + clearsigned));

        Assert.False(opened.Encrypted);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Equal("pgp-inline", opened.SignatureKind);
        Assert.Equal(TestKeys.BobFingerprint, opened.SignerFingerprint);
        var body = Assert.IsType<TextPart>(opened.Body).Text;
        Assert.Contains("\n-----not an armor line\n", body);
        Assert.Contains("- a line starting with a dash", body);
        Assert.DoesNotContain("BEGIN PGP", body);

        var tampered = TestKeys.Load(Headers("bob@partner.test", "Clear") + "Content-Type: text/plain\n\n" + clearsigned.Replace("198.51.100.7", "198.51.100.8", StringComparison.Ordinal));
        Assert.Equal(SignatureOutcome.Bad, team.Crypto.Open(tampered).Signature);
    }

    [Theory]
    [InlineData("alice@partner.test", false)]
    [InlineData("bob@partner.test", false)]
    // Signature type 0x01, canonical text (RFC 4880 §5.2.1): the RSA path hashes line endings as GnuPG does,
    // a lone CR included; BouncyCastle (Ed25519 path) would turn a lone CR into CR LF, so no lone CR for Alice.
    [InlineData("bob@partner.test", true)]
    [InlineData("alice@partner.test", true)]
    public async Task Inline_signed_only_pgp_message_is_not_encrypted_and_good(string signer, bool textMode)
    {
        string[] args = ["--armor", "--sign", "-u", signer, .. textMode ? new[] { "--textmode" } : []];
        var content = Report.Replace("\n", "\r\n", StringComparison.Ordinal) + "lone LF\n" + (signer.StartsWith("bob", StringComparison.Ordinal) ? "lone CR\rend" : "end");
        var armored = await gpg.TransformAsync(content, Ct, args);
        var opened = team.Crypto.Open(TestKeys.Load(Headers(signer, "Signed") + "Content-Type: text/plain\n\n" + armored));
        Assert.False(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.NotEncrypted, opened.Decryption);
        Assert.Equal(SignatureOutcome.Good, opened.Signature);
        Assert.Contains("203.0.113.5", Assert.IsType<TextPart>(opened.Body).Text);
    }

    [Theory]
    [InlineData("ip-echelon_sample1.eml", "Notice ID: 314620451")]
    [InlineData("Copyrightcompliance_Example_1.eml", "Notice ID")]
    public void Abuse_report_fixture_clearsigned_by_an_unknown_key_gives_unknown_key_and_its_text(string file, string expected)
    {
        var message = MimeMessage.Load(TestKeys.Mail(file), Ct);
        var opened = team.Crypto.Open(message);

        Assert.Equal(SignatureOutcome.UnknownKey, opened.Signature);
        Assert.Equal("pgp-inline", opened.SignatureKind);
        Assert.False(opened.Encrypted);
        var text = TextOf(opened.Body);
        Assert.Contains(expected, text);
        Assert.DoesNotContain("BEGIN PGP SIGNED MESSAGE", text);
        Assert.DoesNotContain("BEGIN PGP SIGNATURE", text);
    }

    [Fact]
    public void Smime_signed_fixture_is_verified_with_its_own_certificate()
    {
        var opened = team.Crypto.Open(MimeMessage.Load(TestKeys.Mail("thunderbird-signed.eml"), Ct));

        Assert.Equal("smime", opened.SignatureKind);
        Assert.Equal(SignatureOutcome.GoodUnverifiedKey, opened.Signature);
        Assert.Equal("fejj@gnome.org", opened.SignerEmail);
        Assert.Matches("^[0-9A-F]{40}$", opened.SignerFingerprint);
        Assert.Contains("Hopefully this works", TextOf(opened.Body));
    }

    [Fact]
    public void Smime_encrypted_is_reported_as_not_supported()
    {
        var message = TestKeys.Load(Headers("x@partner.test", "S/MIME") + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
            + "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggFKMIIBRgIBADAuMBoxGDAWBgNVBAMMD1Rlc3QgQ2VydGlmaWNhdGU=\n");
        var opened = team.Crypto.Open(message);
        Assert.True(opened.Encrypted);
        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.Equal("S/MIME decryption is not supported.", opened.DecryptionError);
    }

    [Fact]
    public void Plain_mail_is_returned_unchanged()
    {
        var message = TestKeys.Load(Headers("x@partner.test", "Plain") + "Content-Type: text/plain\n\nNothing to see, -----BEGIN PGP MESSAGE----- mid-line.\n");
        var opened = team.Crypto.Open(message);
        Assert.Same(message.Body, opened.Body);
        Assert.Equal(new OpenedMail(message.Body!, false, DecryptionOutcome.NotEncrypted, null, SignatureOutcome.NotSigned, null, null, null, null), opened);
    }

    [Fact]
    public void Garbage_where_pgp_is_expected_is_a_failure_not_an_exception()
    {
        var opened = team.Crypto.Open(PgpMime("x@partner.test", "-----BEGIN PGP MESSAGE-----\n\nbm90IHJlYWxseSBwZ3A=\n=AAAA\n-----END PGP MESSAGE-----\n"));
        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.False(string.IsNullOrWhiteSpace(opened.DecryptionError));

        var signed = SignedMail("x@partner.test", "Content-Type: text/plain\r\n\r\nhello", "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n");
        var result = team.Crypto.Open(signed);
        Assert.NotEqual(SignatureOutcome.Good, result.Signature);
        Assert.NotEqual(SignatureOutcome.NotSigned, result.Signature);
    }

    [Fact]
    public async Task Protect_signs_and_encrypts_an_answer_that_gpg_decrypts_and_verifies()
    {
        var answer = new MimeMessage();
        answer.From.Add(new MailboxAddress("CSIRT Test Team", "cert@csirt.test"));
        answer.To.Add(new MailboxAddress("Alice", "alice@partner.test"));
        answer.Subject = "[CSIRT #2026-0042] Accusé de réception";
        answer.Body = new TextPart("plain") { Text = "Bonjour,\nnous avons bien reçu votre signalement.\n" };

        var protectedAnswer = team.Crypto.Protect(answer, new MailboxAddress("CSIRT", "cert@csirt.test"), new MailboxAddress("Alice", "alice@partner.test"));

        Assert.IsType<MultipartEncrypted>(protectedAnswer.Body);
        Assert.Equal(answer.Subject, protectedAnswer.Subject);
        Assert.IsType<TextPart>(answer.Body); // the original is untouched
        var path = gpg.NewPath("eml");
        TestKeys.WriteCrlf(protectedAnswer, path);
        var (code, status, error) = await gpg.RunAsync(["--status-fd", "1", "--output", gpg.NewPath("out"), "--decrypt", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains("[GNUPG:] DECRYPTION_OKAY", status);
        Assert.Contains("[GNUPG:] GOODSIG", status);
        Assert.Contains("CSIRT Test Team <cert@csirt.test>", status);
        Assert.Contains($"[GNUPG:] VALIDSIG {TestKeys.TeamFingerprint}", status);

        // The team can read its own sent mail (encrypted to its key too).
        var reread = team.Crypto.Open(MimeMessage.Load(path, Ct));
        Assert.Equal(DecryptionOutcome.Decrypted, reread.Decryption);
        Assert.Equal(SignatureOutcome.Good, reread.Signature);
        Assert.Equal(TestKeys.TeamFingerprint, reread.SignerFingerprint);
        Assert.Contains("bien reçu", TextOf(reread.Body));
    }

    [Fact]
    public async Task Protect_with_the_Ed25519_team_key_to_an_RSA_contact_verifies_in_gpg()
    {
        var answer = new MimeMessage();
        answer.From.Add(new MailboxAddress("CSIRT", "cert-ed@csirt.test"));
        answer.To.Add(new MailboxAddress("Bob", "bob@partner.test"));
        answer.Subject = "Answer";
        answer.Body = new TextPart("plain") { Text = "Hello Bob\n" };

        var protectedAnswer = team.Crypto.Protect(answer, new MailboxAddress("CSIRT", "cert-ed@csirt.test"), new MailboxAddress("Bob", "bob@partner.test"));
        var path = gpg.NewPath("eml");
        TestKeys.WriteCrlf(protectedAnswer, path);
        var (code, status, error) = await gpg.RunAsync(["--status-fd", "1", "--output", gpg.NewPath("out"), "--decrypt", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains("[GNUPG:] DECRYPTION_OKAY", status);
        Assert.Contains($"[GNUPG:] VALIDSIG", status);
        Assert.Contains(TestKeys.TeamEdFingerprint, status);
    }

    [Fact]
    public async Task Protect_without_a_recipient_key_signs_only_and_gpg_verifies()
    {
        var answer = new MimeMessage();
        answer.From.Add(new MailboxAddress("CSIRT", "cert@csirt.test"));
        answer.To.Add(new MailboxAddress("Stranger", "nobody@elsewhere.test"));
        answer.Subject = "Redirection";
        answer.Body = new TextPart("plain") { Text = "Please contact your administrator.\nVeuillez contacter votre administrateur.\n" };

        var protectedAnswer = team.Crypto.Protect(answer, new MailboxAddress("CSIRT", "cert@csirt.test"), new MailboxAddress("Stranger", "nobody@elsewhere.test"));

        var signed = Assert.IsType<MultipartSigned>(protectedAnswer.Body);
        var (code, status, error) = await gpg.VerifyPgpMimeAsync(signed, Ct);
        Assert.True(code == 0, error);
        Assert.Contains("[GNUPG:] GOODSIG", status);
        Assert.Contains(TestKeys.TeamFingerprint, status);
    }

    [Fact]
    public async Task Many_workers_decrypt_at_once()
    {
        var armored = await gpg.TransformAsync(InnerEntity(Report), Ct, "--armor", "--sign", "--encrypt", "-u", "bob@partner.test", "-r", "cert@csirt.test");
        var raw = new MemoryStream();
        PgpMime("bob@partner.test", armored).WriteTo(raw, Ct);
        var bytes = raw.ToArray();
        var results = new System.Collections.Concurrent.ConcurrentBag<OpenedMail>();
        await Parallel.ForAsync(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, (_, _) =>
        {
            results.Add(team.Crypto.Open(MimeMessage.Load(new MemoryStream(bytes))));
            return ValueTask.CompletedTask;
        });
        Assert.Equal(40, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(DecryptionOutcome.Decrypted, r.Decryption);
            Assert.Equal(SignatureOutcome.Good, r.Signature);
            Assert.Equal(TestKeys.BobFingerprint, r.SignerFingerprint);
        });
    }
}
