using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Vigie.Features.Pgp;

/// <summary>The outcome of checking one signature (or the best of several).</summary>
internal sealed record SignatureCheck(SignatureOutcome Outcome, string? Fingerprint, string? Email, string? Error)
{
    public static SignatureCheck NotSigned { get; } = new(SignatureOutcome.NotSigned, null, null, null);

    /// <summary>A valid signature by a known key wins, then one by an attached key, then a bad one, then an unknown key.</summary>
    public static SignatureCheck Best(IEnumerable<SignatureCheck> checks)
    {
        var all = checks.ToList();
        return all.Count == 0
            ? NotSigned
            : all.OrderBy(c => c.Outcome switch
            {
                SignatureOutcome.Good => 0,
                SignatureOutcome.GoodUnverifiedKey => 1,
                SignatureOutcome.Bad => 2,
                _ => 3,
            }).First();
    }
}

/// <summary>
/// Checks OpenPGP signatures against the keyring (contacts' and team keys: <see cref="SignatureOutcome.Good"/>)
/// and then against keys attached to the mail (<see cref="SignatureOutcome.GoodUnverifiedKey"/>: anyone can
/// attach a key, so such a signature proves integrity, not identity).
/// </summary>
internal static class SignatureVerifier
{
    /// <summary>Signatures over <paramref name="content"/> (as carried in the literal data or clear-signed text).</summary>
    public static SignatureCheck Verify(IReadOnlyList<PgpSignature> signatures, byte[] content, KeyringSnapshot keys,
        Func<PgpPublicKeyRingBundle?> attached, string? fromEmail) =>
        SignatureCheck.Best(signatures.Select(s => VerifyOne(s, content, keys, attached, fromEmail)));

    private static SignatureCheck VerifyOne(PgpSignature signature, byte[] content, KeyringSnapshot keys,
        Func<PgpPublicKeyRingBundle?> attached, string? fromEmail)
    {
        var trusted = true;
        var ring = keys.FindRing(signature.KeyId);
        if (ring is null)
        {
            trusted = false;
            ring = attached()?.GetPublicKeyRing(signature.KeyId);
        }
        if (ring is null)
        {
            return Unknown(signature.KeyId);
        }
        var key = ring.GetPublicKey(signature.KeyId);
        var (fingerprint, email) = Signer(ring, fromEmail);
        try
        {
            bool valid;
            if (!PlatformRsa.TryVerify(signature, key, content, out valid))
            {
                // BouncyCastle canonicalises text signatures (type 0x01) slightly differently from GnuPG: a lone CR
                // (not before LF) becomes CR LF. Such content is very rare in mail; RSA signatures avoid the difference.
                signature.InitVerify(key);
                signature.Update(content);
                valid = signature.Verify();
            }
            if (!valid)
            {
                return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email,
                    "The signature does not match the content: the message was changed after it was signed, or the signature is forged.");
            }
        }
        catch (Exception e) when (PgpMessageReader.IsBadData(e))
        {
            return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email, $"The signature cannot be checked: {e.Message}");
        }
        return Judge(ring, key, new DateTimeOffset(DateTime.SpecifyKind(signature.CreationTime, DateTimeKind.Utc)), trusted, fingerprint, email);
    }

    /// <summary>Maps MimeKit's result for a multipart/signed part (RFC 3156 §5) onto the same outcomes.</summary>
    public static SignatureCheck FromMimeKit(DigitalSignatureCollection signatures, KeyringSnapshot keys, string? fromEmail) =>
        SignatureCheck.Best(signatures.Select(s => FromMimeKit(s, keys, fromEmail)));

    private static SignatureCheck FromMimeKit(IDigitalSignature signature, KeyringSnapshot keys, string? fromEmail)
    {
        if (signature.SignerCertificate is not OpenPgpDigitalCertificate certificate)
        {
            try
            {
                signature.Verify();
            }
            catch (DigitalSignatureVerifyException e) when (e.KeyId is { } id)
            {
                return Unknown(id);
            }
            catch (Exception e) when (e is DigitalSignatureVerifyException || PgpMessageReader.IsBadData(e))
            {
                return new SignatureCheck(SignatureOutcome.UnknownKey, null, null, e.Message);
            }
            return new SignatureCheck(SignatureOutcome.UnknownKey, null, null, "The signer's key is not known.");
        }
        var ring = certificate.KeyRing;
        var (fingerprint, email) = Signer(ring, fromEmail);
        try
        {
            if (!signature.Verify())
            {
                return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email,
                    "The signature does not match the signed part: the message was changed after it was signed, or the signature is forged.");
            }
        }
        catch (Exception e) when (e is DigitalSignatureVerifyException || PgpMessageReader.IsBadData(e))
        {
            return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email, $"The signature cannot be checked: {e.Message}");
        }
        var trusted = keys.FindRing(certificate.PublicKey.KeyId) is not null;
        return Judge(ring, certificate.PublicKey, new DateTimeOffset(DateTime.SpecifyKind(signature.CreationDate, DateTimeKind.Utc)),
            trusted, fingerprint, email);
    }

    /// <summary>A mathematically valid signature still fails if its key was revoked or had expired when it signed.</summary>
    private static SignatureCheck Judge(PgpPublicKeyRing ring, PgpPublicKey key, DateTimeOffset signedAt, bool trusted,
        string fingerprint, string? email)
    {
        var primary = ring.GetPublicKey();
        if (primary.HasRevocation() || key.HasRevocation())
        {
            return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email, $"The signing key {KeyFacts.Label(primary)} has been revoked.");
        }
        foreach (var k in new[] { primary, key })
        {
            if (KeyFacts.Expires(k) is { } expires && signedAt > expires)
            {
                return new SignatureCheck(SignatureOutcome.Bad, fingerprint, email,
                    $"The signature was made on {signedAt:yyyy-MM-dd}, after the signing key {KeyFacts.Label(primary)} expired ({expires:yyyy-MM-dd}).");
            }
        }
        return new SignatureCheck(trusted ? SignatureOutcome.Good : SignatureOutcome.GoodUnverifiedKey, fingerprint, email,
            trusted ? null : "The signature is valid, but the key that made it came with the mail and is not in the team's keyring: it proves integrity, not identity.");
    }

    private static (string Fingerprint, string? Email) Signer(PgpPublicKeyRing ring, string? fromEmail)
    {
        var primary = ring.GetPublicKey();
        var emails = KeyFacts.Emails(primary.GetUserIds());
        var email = fromEmail is not null && emails.Contains(fromEmail) ? fromEmail : emails.FirstOrDefault();
        return (KeyFacts.Fingerprint(primary), email);
    }

    private static SignatureCheck Unknown(long keyId) => new(SignatureOutcome.UnknownKey, null, null,
        $"The signature was made with the key 0x{KeyFacts.KeyId(keyId)}, which is neither in the team's keyring nor attached to the mail.");
}
