using MimeKit;

namespace Vigie.Features.Pgp;

public enum DecryptionOutcome
{
    NotEncrypted,
    Decrypted,
    Failed,
}

public enum SignatureOutcome
{
    NotSigned,

    /// <summary>Valid, made by a key in the team's keyring (a known contact or the team).</summary>
    Good,

    /// <summary>Valid, but verified only with a key attached to the mail (or an S/MIME certificate the mail carried): integrity, not identity.</summary>
    GoodUnverifiedKey,

    /// <summary>Invalid (content changed, forged), or made by a revoked or expired key.</summary>
    Bad,

    /// <summary>Made by a key Vigie does not have.</summary>
    UnknownKey,
}

/// <summary>A mail as Vigie reads it, with what its OpenPGP / S/MIME protection said.</summary>
/// <param name="Body">What to read: the decrypted entity, or the signed content, or <c>message.Body</c> unchanged.
/// For inline PGP, the decrypted or clear-signed text replaces the armored block in a new text part.</param>
/// <param name="Encrypted">The mail (or an inline block) was encrypted.</param>
/// <param name="Decryption">Whether it could be decrypted.</param>
/// <param name="DecryptionError">Why decryption failed, in a sentence, e.g. "No secret key for key id 0x…".</param>
/// <param name="Signature">The signature's verdict.</param>
/// <param name="SignatureKind"><c>pgp-mime</c>, <c>pgp-inline</c>, <c>smime</c>, or null when not signed.</param>
/// <param name="SignerFingerprint">Primary key fingerprint (OpenPGP) or certificate fingerprint (S/MIME) of the signer, when known.</param>
/// <param name="SignerEmail">The signer's address from the key or certificate (the one matching From when several).</param>
/// <param name="SignatureError">Why the signature is not good, or a caution for an unverified key.</param>
public sealed record OpenedMail(
    MimeEntity Body,
    bool Encrypted,
    DecryptionOutcome Decryption,
    string? DecryptionError,
    SignatureOutcome Signature,
    string? SignatureKind,
    string? SignerFingerprint,
    string? SignerEmail,
    string? SignatureError);
