namespace Vigie.Features.Pgp;

/// <summary>What Vigie knows about one OpenPGP key (a primary key with its subkeys and user ids).</summary>
/// <param name="Fingerprint">Primary key fingerprint, upper-case hex (40 characters for a v4 key).</param>
/// <param name="KeyId">Primary key id, 16 upper-case hex characters.</param>
/// <param name="UserIds">User ids as written in the key, e.g. <c>CSIRT Team &lt;cert@example.org&gt;</c>.</param>
/// <param name="Emails">The addresses found in the user ids, normalised to lower case.</param>
/// <param name="HasSecret">Vigie holds the secret key (a team key).</param>
/// <param name="CanEncrypt">The key or one of its subkeys, not revoked, may encrypt (key flags, RFC 4880 §5.2.3.21).</param>
/// <param name="CanSign">The key or one of its subkeys, not revoked, may sign.</param>
/// <param name="Created">Creation time of the primary key.</param>
/// <param name="Expires">Expiry of the primary key, if it has one.</param>
/// <param name="Revoked">The primary key carries a revocation signature.</param>
public sealed record PgpKeyInfo(
    string Fingerprint,
    string KeyId,
    IReadOnlyList<string> UserIds,
    IReadOnlyList<string> Emails,
    bool HasSecret,
    bool CanEncrypt,
    bool CanSign,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    bool Revoked);

/// <summary>An import or inspection refused, with a message for the operator (never holding a passphrase).</summary>
public sealed class PgpImportException : Exception
{
    public PgpImportException()
    {
    }

    public PgpImportException(string message) : base(message)
    {
    }

    public PgpImportException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
