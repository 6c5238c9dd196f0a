using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using QRCoder;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary>
/// The second factor: RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps: what every authenticator
/// app reads from an otpauth:// QR code) through Otp.NET, the secret encrypted at rest with
/// DataProtection, and single-use recovery codes kept as SHA-256 hashes.
/// </summary>
public sealed class TwoFactor(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The DataProtection purpose of TOTP secrets: a key ring leak of another purpose cannot read them.</summary>
    public const string Purpose = "Vigie.Identity.TotpSecret.v1";

    public const int RecoveryCodeCount = 10;

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>A new 160-bit secret (RFC 4226 §4 recommends 160 bits), Base32 as authenticator apps expect.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public string Protect(string base32Secret) => _protector.Protect(base32Secret);

    public string Unprotect(string stored) => _protector.Unprotect(stored);

    /// <summary>The otpauth:// URI of the Key Uri Format that authenticator apps scan.</summary>
    public static string OtpAuthUri(string base32Secret, string account, string issuer = "Vigie") =>
        new OtpUri(OtpType.Totp, base32Secret, account, issuer).ToString();

    /// <summary>The QR code of <paramref name="uri"/> as a PNG data: URI (the CSP allows data: images, no script needed).</summary>
    public static string QrDataUri(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>The secret grouped by four for reading and typing by hand.</summary>
    public static string Grouped(string base32Secret) =>
        string.Join(' ', base32Secret.Chunk(4).Select(c => new string(c)));

    /// <summary>
    /// Checks a code against the stored secret: accepted in the current step or one step either side
    /// (RFC 6238 §5.2 clock drift), and only for a step later than the last accepted one, so a code
    /// seen over a shoulder or replayed is refused. On success the step is remembered on <paramref name="user"/>.
    /// </summary>
    public bool VerifyCode(User user, string? code, string? pendingSecret = null)
    {
        var secret = pendingSecret ?? (user.TotpSecret is { } s ? Unprotect(s) : null);
        code = Digits(code);
        if (secret is null || code.Length != 6)
        {
            return false;
        }
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay))
        {
            return false;
        }
        if (user.TotpLastStep is { } last && step <= last)
        {
            return false;
        }
        user.TotpLastStep = step;
        return true;
    }

    /// <summary>The current code of a secret (tests, and nothing else, need this).</summary>
    public string CurrentCode(string base32Secret) =>
        new Totp(Base32Encoding.ToBytes(base32Secret)).ComputeTotp(time.GetUtcNow().UtcDateTime);

    /// <summary>Replaces the user's recovery codes with ten new ones; returns them (to be shown once).</summary>
    public static async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(VigieDb db, Guid userId, CancellationToken ct)
    {
        await db.Set<RecoveryCode>().Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        var codes = new List<string>();
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            // 10 characters of a 32-letter alphabet without look-alikes: 50 bits, single use, shown as xxxxx-xxxxx.
            var raw = RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 10);
            var code = raw[..5] + "-" + raw[5..];
            codes.Add(code);
            db.Set<RecoveryCode>().Add(new RecoveryCode { Id = Guid.NewGuid(), UserId = userId, Hash = HashRecovery(code) });
        }
        return codes;
    }

    /// <summary>Uses a recovery code: true once per code, false for an unknown or used one.</summary>
    public async Task<bool> UseRecoveryCodeAsync(VigieDb db, Guid userId, string? code, CancellationToken ct)
    {
        var normalized = NormalizeRecovery(code);
        if (normalized is null)
        {
            return false;
        }
        var hash = HashRecovery(normalized);
        var record = await db.Set<RecoveryCode>().FirstOrDefaultAsync(c => c.UserId == userId && c.Hash == hash && c.UsedAt == null, ct);
        if (record is null)
        {
            return false;
        }
        record.UsedAt = time.GetUtcNow();
        return true;
    }

    /// <summary>Whether the input looks like a recovery code (letters, xxxxx-xxxxx) rather than a 6-digit code.</summary>
    public static bool LooksLikeRecoveryCode(string? input) => NormalizeRecovery(input) is not null;

    private static string? NormalizeRecovery(string? input)
    {
        var letters = new string((input ?? "").Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        return letters.Length == 10 && !letters.All(char.IsAsciiDigit) ? letters[..5] + "-" + letters[5..] : null;
    }

    private static string HashRecovery(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    private static string Digits(string? code) => new((code ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
}
