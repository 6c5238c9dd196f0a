using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Utilities;

namespace Vigie.Features.Pgp;

/// <summary>
/// BouncyCastle 2.x runs Miller–Rabin tests on an RSA modulus every time it builds a key object from
/// it: about 50 ms for 3072 bits, each time a message is decrypted or a signature checked — more than
/// the whole budget of a message. Vigie validates every RSA key once, in full, when the key enters the
/// keyring (or, for a key attached to a mail, before it is used), then relaxes the check, on the
/// current thread only, while it works with those keys.
/// </summary>
internal static class RsaChecks
{
    /// <summary>Full validation (the modulus is odd, has no small factor and is not prime); throws <see cref="ArgumentException"/>.</summary>
    public static void Validate(PgpPublicKey key)
    {
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign))
        {
            return;
        }
        var previous = Properties.GetThreadProperty(Properties.RsaMaxMRTests);
        Properties.RemoveThreadProperty(Properties.RsaMaxMRTests);
        try
        {
            _ = key.GetKey();
        }
        catch (PgpException e) when (e.InnerException is ArgumentException inner)
        {
            throw inner;
        }
        finally
        {
            if (previous is not null)
            {
                Properties.SetThreadProperty(Properties.RsaMaxMRTests, previous);
            }
        }
    }

    /// <summary>Until disposed, RSA key objects built on this thread skip the primality tests.</summary>
    public static Relaxed Relax()
    {
        var previous = Properties.GetThreadProperty(Properties.RsaMaxMRTests);
        Properties.SetThreadProperty(Properties.RsaMaxMRTests, "0");
        return new Relaxed(previous);
    }

    internal readonly struct Relaxed(string? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null)
            {
                Properties.RemoveThreadProperty(Properties.RsaMaxMRTests);
            }
            else
            {
                Properties.SetThreadProperty(Properties.RsaMaxMRTests, previous);
            }
        }
    }
}
