using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Vigie.Core;

namespace Vigie.Features.Pgp;

/// <summary>
/// Opens protected inbound mail (OpenPGP: RFC 3156 PGP/MIME and inline; S/MIME signatures) and protects
/// outbound answers. Thread-safe: every call works on the keyring's current immutable snapshot with its
/// own MimeKit context, so several intake workers can decrypt at once.
/// </summary>
public sealed class MailCrypto(PgpKeyring keyring, ILogger<MailCrypto> logger)
{
    private const int MaxDepth = 32;

    /// <summary>Parser limits for decrypted content, which is as hostile as the mail around it.</summary>
    public static ParserOptions DefaultParserOptions { get; } = new() { MaxMimeDepth = 64 };

    public const string KindPgpMime = "pgp-mime";
    public const string KindPgpInline = "pgp-inline";
    public const string KindSmime = "smime";

    /// <summary>
    /// Decrypts and verifies what the mail carries, never throwing for bad crypto (the outcome says what
    /// happened): multipart/encrypted (RFC 3156 §4, with §6.2 combined signatures and §6.1 nested
    /// multipart/signed), multipart/signed with application/pgp-signature (§5), inline armored messages
    /// and clear-signed text in a text/plain part, S/MIME multipart/signed and application/pkcs7-mime
    /// signed-data (verified with the certificates in the mail: <see cref="SignatureOutcome.GoodUnverifiedKey"/>).
    /// Keys in application/pgp-keys parts are used for verification only, never imported.
    /// </summary>
    public OpenedMail Open(MimeMessage message) => Open(message, DefaultParserOptions);

    /// <summary><see cref="Open(MimeMessage)"/> with the caller's limits for parsing decrypted content.</summary>
    public OpenedMail Open(MimeMessage message, ParserOptions parserOptions)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(parserOptions);
        var body = message.Body ?? new TextPart("plain") { Text = "" };
        if (Find(body, [], 0) is not { } found)
        {
            return Plain(body);
        }
        var session = new Session(keyring, parserOptions, FromEmail(message), new AttachedKeys([body]));
        OpenedMail opened;
        try
        {
            opened = found.Entity switch
            {
                MultipartEncrypted encrypted => OpenEncrypted(encrypted, session),
                MultipartSigned signed when IsSmime(signed) => OpenSmimeSigned(signed),
                MultipartSigned signed => OpenSigned(signed, session),
                ApplicationPkcs7Mime pkcs7 => OpenPkcs7(pkcs7),
                TextPart text => OpenInline(text, session),
                _ => Plain(found.Entity),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Hostile input reaching a corner of MimeKit or BouncyCastle: report, keep the worker alive.
            logger.LogWarning("Reading the protection of message {MessageId} failed: {Error}", message.MessageId, e.Message);
            var encrypted = found.Entity is MultipartEncrypted or ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.EnvelopedData or SecureMimeType.AuthEnvelopedData };
            opened = new OpenedMail(found.Entity, encrypted, encrypted ? DecryptionOutcome.Failed : DecryptionOutcome.NotEncrypted,
                encrypted ? $"The encrypted content could not be read: {e.Message}" : null,
                encrypted ? SignatureOutcome.NotSigned : SignatureOutcome.Bad, encrypted ? null : KindOf(found.Entity),
                null, null, encrypted ? null : $"The signature could not be checked: {e.Message}");
        }
        logger.LogDebug("Message {MessageId}: encrypted {Encrypted}, decryption {Decryption}, signature {Signature} ({Kind}) by {Signer}",
            message.MessageId, opened.Encrypted, opened.Decryption, opened.Signature, opened.SignatureKind, opened.SignerFingerprint);
        return opened with { Body = Replace(body, found.Path, opened.Body) };
    }

    /// <summary>
    /// Returns a copy of <paramref name="message"/> (headers kept) whose body is signed with the team's key
    /// for <paramref name="teamSigner"/> (if the team has a signing key) and, when <paramref name="encryptTo"/>
    /// has a usable key, PGP/MIME encrypted to it and to the team's own key, so the team can read its sent
    /// mail (RFC 3156 §6.2 combined form). Unchanged copy when there is neither a team key nor a recipient key.
    /// Check <c>Body is MultipartEncrypted</c> to know whether it was encrypted.
    /// </summary>
    public MimeMessage Protect(MimeMessage message, MailboxAddress teamSigner, MailboxAddress? encryptTo)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(teamSigner);
        var copy = Copy(message);
        if (copy.Body is null)
        {
            return copy;
        }
        var keys = keyring.Current;
        var now = keyring.Now;
        var teamEmail = EmailAddress.TryNormalize(teamSigner.Address, out var t, out _) ? t : null;
        var signer = keys.FindSigningKey(teamEmail, now);
        var recipient = encryptTo is null ? null : keyring.FindEncryptionRing(keys, encryptTo.Address);

        using var relaxed = RsaChecks.Relax();
        using var context = new VigiePgpContext(keyring, keys);
        if (recipient is { } r)
        {
            var recipients = new List<PgpPublicKey> { r.Key };
            var teamRing = signer is { } s ? keys.Public.GetPublicKeyRing(s.Ring.GetPublicKey().KeyId) : null;
            if (teamRing is not null && KeyFacts.EncryptionKey(teamRing, now) is { } teamKey)
            {
                recipients.Add(teamKey);
            }
            copy.Body = signer is { } sk
                ? MultipartEncrypted.SignAndEncrypt(context, sk.Key.Unprotected, DigestAlgorithm.Sha256, EncryptionAlgorithm.Aes256, recipients, copy.Body)
                : MultipartEncrypted.Encrypt(context, EncryptionAlgorithm.Aes256, recipients, copy.Body);
        }
        else if (signer is { } sk)
        {
            copy.Body = MultipartSigned.Create(context, sk.Key.Unprotected, DigestAlgorithm.Sha256, copy.Body);
        }
        else
        {
            logger.LogInformation("No team signing key and no key for {Recipient}: the answer goes out unprotected.", encryptTo?.Address);
        }
        return copy;
    }

    private OpenedMail OpenEncrypted(MultipartEncrypted encrypted, Session session)
    {
        var protocol = encrypted.ContentType.Parameters["protocol"];
        if (!string.Equals(protocol, "application/pgp-encrypted", StringComparison.OrdinalIgnoreCase))
        {
            return Failed(encrypted, $"The mail is encrypted with an unsupported protocol '{protocol}'.");
        }
        if (encrypted.Count < 2 || encrypted[1] is not MimePart payload || payload.Content is null)
        {
            return Failed(encrypted, "The multipart/encrypted part is malformed (RFC 3156 §4 needs a control part and an encrypted part).");
        }
        using var content = new MemoryStream();
        payload.Content.DecodeTo(content);

        PgpMessage result;
        using (RsaChecks.Relax())
        {
            result = PgpMessageReader.Read(content.ToArray(), session.Keys, keyring.Options.MaxDecryptedBytes, assumeEncrypted: true);
        }
        if (!result.Ok)
        {
            return Failed(encrypted, result.Error!);
        }

        // RFC 3156 §4: the decrypted data is a MIME entity.
        var inner = MimeEntity.Load(session.ParserOptions, new MemoryStream(result.Content!));
        session.Attached.Add(inner);
        if (result.Signatures.Count > 0)
        {
            SignatureCheck check;
            using (RsaChecks.Relax())
            {
                check = SignatureVerifier.Verify(result.Signatures, result.Content!, session.Keys, session.Attached.Bundle, session.From);
            }
            return Decrypted(inner, check, KindPgpMime);
        }
        // §6.1: signed, then encrypted: the decrypted entity is a multipart/signed.
        if (inner is MultipartSigned signed && !IsSmime(signed))
        {
            var opened = OpenSigned(signed, session);
            return opened with { Encrypted = true, Decryption = DecryptionOutcome.Decrypted };
        }
        return Decrypted(inner, SignatureCheck.NotSigned, null);
    }

    private OpenedMail OpenSigned(MultipartSigned signed, Session session)
    {
        var content = signed.Count > 0 ? signed[0] : signed;
        DigitalSignatureCollection signatures;
        SignatureCheck check;
        using (RsaChecks.Relax())
        {
            using var context = new VigiePgpContext(keyring, session.Keys, session.Attached.Bundle);
            try
            {
                signatures = signed.Verify(context);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException || PgpMessageReader.IsBadData(e))
            {
                return Signed(content, new SignatureCheck(SignatureOutcome.Bad, null, null, $"The signature part is unreadable: {e.Message}"), KindPgpMime);
            }
            check = SignatureVerifier.FromMimeKit(signatures, session.Keys, session.From);
        }
        return Signed(content, check, KindPgpMime);
    }

    private OpenedMail OpenInline(TextPart part, Session session)
    {
        var encoding = part.ContentType.CharsetEncoding ?? System.Text.Encoding.UTF8;
        string text;
        IReadOnlyList<InlinePgp.Block> blocks;
        using (RsaChecks.Relax())
        {
            (text, blocks) = InlinePgp.Open(part.Text, encoding,
                armored => PgpMessageReader.Read(armored, session.Keys, keyring.Options.MaxDecryptedBytes, assumeEncrypted: true),
                (signatures, content) => SignatureVerifier.Verify(signatures, content, session.Keys, session.Attached.Bundle, session.From));
        }
        var readable = new TextPart("plain") { Text = text };
        var encrypted = blocks.Any(b => b.Encrypted);
        var failure = blocks.FirstOrDefault(b => b.DecryptionError is not null)?.DecryptionError;
        var checks = blocks.Select(b => b.Signature).Where(c => c.Outcome != SignatureOutcome.NotSigned).ToList();
        // Several blocks: one bad signature is worth reporting even if another block is good.
        var check = checks.FirstOrDefault(c => c.Outcome == SignatureOutcome.Bad) ?? SignatureCheck.Best(checks);
        return new OpenedMail(readable, encrypted,
            failure is not null ? DecryptionOutcome.Failed : encrypted ? DecryptionOutcome.Decrypted : DecryptionOutcome.NotEncrypted,
            failure, check.Outcome, check.Outcome == SignatureOutcome.NotSigned ? null : KindPgpInline,
            check.Fingerprint, check.Email, check.Error);
    }

    private static OpenedMail OpenSmimeSigned(MultipartSigned signed)
    {
        var content = signed.Count > 0 ? signed[0] : signed;
        using var context = SmimeContext();
        try
        {
            return Signed(content, Smime(signed.Verify(context)), KindSmime);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException || PgpMessageReader.IsBadData(e)
                                      || e is Org.BouncyCastle.Cms.CmsException)
        {
            return Signed(content, new SignatureCheck(SignatureOutcome.Bad, null, null, $"The S/MIME signature is unreadable: {e.Message}"), KindSmime);
        }
    }

    private static OpenedMail OpenPkcs7(ApplicationPkcs7Mime pkcs7)
    {
        switch (pkcs7.SecureMimeType)
        {
            case SecureMimeType.EnvelopedData:
            case SecureMimeType.AuthEnvelopedData:
                return new OpenedMail(pkcs7, true, DecryptionOutcome.Failed, "S/MIME decryption is not supported.",
                    SignatureOutcome.NotSigned, null, null, null, null);
            case SecureMimeType.SignedData:
                using (var context = SmimeContext())
                {
                    try
                    {
                        var signatures = pkcs7.Verify(context, out var entity);
                        return Signed(entity, Smime(signatures), KindSmime);
                    }
                    catch (Exception e) when (e is FormatException or NotSupportedException or InvalidOperationException || PgpMessageReader.IsBadData(e)
                                                  || e is Org.BouncyCastle.Cms.CmsException)
                    {
                        return Signed(pkcs7, new SignatureCheck(SignatureOutcome.Bad, null, null, $"The S/MIME signature is unreadable: {e.Message}"), KindSmime);
                    }
                }
            case SecureMimeType.CompressedData:
                return Plain(pkcs7.Decompress());
            default:
                return Plain(pkcs7);
        }
    }

    /// <summary>
    /// S/MIME signatures are checked with the certificates the mail carries; Vigie keeps no trust anchors,
    /// so a valid signature is <see cref="SignatureOutcome.GoodUnverifiedKey"/>. No network access: no revocation lookups.
    /// </summary>
    private static SignatureCheck Smime(DigitalSignatureCollection signatures) => SignatureCheck.Best(signatures.Select(signature =>
    {
        var certificate = signature.SignerCertificate;
        var fingerprint = certificate?.Fingerprint?.ToUpperInvariant();
        var email = EmailAddress.TryNormalize(certificate?.Email, out var e, out _) ? e : certificate?.Email;
        if (certificate is null)
        {
            return new SignatureCheck(SignatureOutcome.UnknownKey, null, null, "The S/MIME signature names a certificate the mail does not carry.");
        }
        try
        {
            return signature is SecureMimeDigitalSignature smime && smime.Verify(verifySignatureOnly: true)
                ? new SignatureCheck(SignatureOutcome.GoodUnverifiedKey, fingerprint, email,
                    "The S/MIME signature is valid for the certificate in the mail; Vigie does not check the certificate chain.")
                : new SignatureCheck(SignatureOutcome.Bad, fingerprint, email, "The S/MIME signature does not match the signed content.");
        }
        catch (DigitalSignatureVerifyException ex)
        {
            return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email, ex.Message);
        }
    }));

    private static TemporarySecureMimeContext SmimeContext() => new() { CheckCertificateRevocation = false };

    /// <summary>The first protected entity, depth first, with the path of child indexes to it. Attached messages are not entered.</summary>
    private static (MimeEntity Entity, int[] Path)? Find(MimeEntity entity, int[] path, int depth)
    {
        switch (entity)
        {
            case MultipartEncrypted or MultipartSigned or ApplicationPkcs7Mime:
                return (entity, path);
            case Multipart multipart when depth < MaxDepth:
                for (var i = 0; i < multipart.Count; i++)
                {
                    if (Find(multipart[i], [.. path, i], depth + 1) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case TextPart text when text.IsPlain && !text.IsAttachment && InlinePgp.HasBlock(text.Text ?? ""):
                return (entity, path);
            default:
                return null;
        }
    }

    /// <summary>A new tree where the entity at <paramref name="path"/> is <paramref name="replacement"/> (the original is not modified).</summary>
    private static MimeEntity Replace(MimeEntity root, int[] path, MimeEntity replacement)
    {
        if (path.Length == 0)
        {
            return replacement;
        }
        var original = (Multipart)root;
        var copy = new Multipart(original.ContentType.MediaSubtype);
        for (var i = 0; i < original.Count; i++)
        {
            copy.Add(i == path[0] ? Replace(original[i], path[1..], replacement) : original[i]);
        }
        return copy;
    }

    private static bool IsSmime(MultipartSigned signed) =>
        signed.ContentType.Parameters["protocol"] is { } p
        && (p.Equals("application/pkcs7-signature", StringComparison.OrdinalIgnoreCase)
            || p.Equals("application/x-pkcs7-signature", StringComparison.OrdinalIgnoreCase));

    private static string? KindOf(MimeEntity entity) => entity switch
    {
        MultipartSigned s when IsSmime(s) => KindSmime,
        ApplicationPkcs7Mime => KindSmime,
        TextPart => KindPgpInline,
        _ => KindPgpMime,
    };

    private static MimeMessage Copy(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        buffer.Position = 0;
        return MimeMessage.Load(buffer);
    }

    private static string? FromEmail(MimeMessage message) =>
        message.From.Mailboxes.FirstOrDefault() is { } from && EmailAddress.TryNormalize(from.Address, out var email, out _) ? email : null;

    private static OpenedMail Plain(MimeEntity body) =>
        new(body, false, DecryptionOutcome.NotEncrypted, null, SignatureOutcome.NotSigned, null, null, null, null);

    private static OpenedMail Failed(MimeEntity body, string error) =>
        new(body, true, DecryptionOutcome.Failed, error, SignatureOutcome.NotSigned, null, null, null, null);

    private static OpenedMail Decrypted(MimeEntity body, SignatureCheck check, string? kind) =>
        new(body, true, DecryptionOutcome.Decrypted, null, check.Outcome, check.Outcome == SignatureOutcome.NotSigned ? null : kind,
            check.Fingerprint, check.Email, check.Error);

    private static OpenedMail Signed(MimeEntity body, SignatureCheck check, string kind) =>
        new(body, false, DecryptionOutcome.NotEncrypted, null, check.Outcome, kind, check.Fingerprint, check.Email, check.Error);

    /// <summary>What one <see cref="Open(MimeMessage, ParserOptions)"/> call works with.</summary>
    private sealed class Session(PgpKeyring keyring, ParserOptions parserOptions, string? from, AttachedKeys attached)
    {
        public KeyringSnapshot Keys { get; } = keyring.Current;

        public ParserOptions ParserOptions => parserOptions;

        public string? From => from;

        public AttachedKeys Attached => attached;
    }
}
