using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary>Something wrong with the team's public face, for the dashboard: a stable code, a sentence in the reader's language, where to act.</summary>
public sealed record PublicFaceWarning(string Code, string Message);

/// <summary>One family of public-face checks. Register more with <c>services.AddSingleton&lt;IPublicFaceCheck, …&gt;()</c> (e.g. the RFC 2350 document's).</summary>
public interface IPublicFaceCheck
{
    /// <summary>The warnings at <paramref name="now"/>; messages in the current UI culture.</summary>
    IEnumerable<PublicFaceWarning> Check(DateTimeOffset now);
}

/// <summary>The public-face warnings shown on the dashboard (PublicFaceCard): every registered check, at the injected clock's now.</summary>
public sealed class PublicFaceStatus(IEnumerable<IPublicFaceCheck> checks, TimeProvider time)
{
    /// <summary>How long before an expiry the dashboard warns.</summary>
    public static readonly TimeSpan WarnAhead = TimeSpan.FromDays(30);

    public IReadOnlyList<PublicFaceWarning> Warnings()
    {
        var now = time.GetUtcNow();
        return [.. checks.SelectMany(c => c.Check(now))];
    }
}

/// <summary>
/// The team key and security.txt: no signing key (documents unsigned, no key published), the profile naming
/// another key than the one that signs, the key or security.txt expiring within <see cref="PublicFaceStatus.WarnAhead"/>.
/// </summary>
internal sealed class TeamKeyFaceCheck(
    TeamSigner signer,
    SecurityTxtService securityTxt,
    IOptions<TeamProfileOptions> profile,
    IStringLocalizer<PublicFaceText> text) : IPublicFaceCheck
{
    public const string NoKey = "no-team-key";
    public const string KeyMismatch = "profile-key-mismatch";
    public const string KeyExpiring = "team-key-expiring";
    public const string SecurityTxtExpiring = "securitytxt-expiring";
    public const string SecurityTxtExpired = "securitytxt-expired";

    public IEnumerable<PublicFaceWarning> Check(DateTimeOffset now)
    {
        var key = signer.Key;
        if (key is null)
        {
            yield return new(NoKey, text["NoKey"]);
        }
        else
        {
            var named = profile.Value.PublicKey.NormalizedFingerprint;
            if (named != key.Fingerprint)
            {
                yield return new(KeyMismatch, named.Length == 0
                    ? text["ProfileNamesNoKey", key.GroupedFingerprint]
                    : text["KeyMismatch", profile.Value.PublicKey.Fingerprint, key.GroupedFingerprint]);
            }
            if (key.Expires is { } keyExpires && keyExpires - now <= PublicFaceStatus.WarnAhead)
            {
                yield return new(KeyExpiring, text["KeyExpiring", key.GroupedFingerprint, Day(keyExpires)]);
            }
        }

        var expires = securityTxt.ExpiresAt(now);
        if (expires <= now)
        {
            yield return new(SecurityTxtExpired, text["SecurityTxtExpired", Day(expires)]);
        }
        else if (expires - now <= PublicFaceStatus.WarnAhead)
        {
            yield return new(SecurityTxtExpiring, text[securityTxt.FixedExpiry ? "SecurityTxtExpiringFixed" : "SecurityTxtExpiringShort",
                Day(expires), (int)Math.Ceiling((expires - now).TotalDays)]);
        }
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
