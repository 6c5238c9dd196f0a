using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using Vigie.Features.Identity;

namespace Vigie.Tests.Identity;

/// <summary>RFC 6238 codes through Otp.NET: the ±1 step window, no replay, and the password rules.</summary>
public sealed class TwoFactorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero));

    private TwoFactor Create() => new(new EphemeralDataProtectionProvider(), _time);

    private string CodeAt(string secret, TimeSpan offset) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp((_time.GetUtcNow() + offset).UtcDateTime);

    [Fact]
    public void A_code_is_accepted_one_step_either_side_and_never_twice()
    {
        var twoFactor = Create();
        var secret = TwoFactor.NewSecret();
        var user = new User { TotpSecret = twoFactor.Protect(secret), TotpEnabledAt = _time.GetUtcNow() };

        Assert.False(twoFactor.VerifyCode(user, CodeAt(secret, TimeSpan.FromSeconds(-90))));
        Assert.False(twoFactor.VerifyCode(user, CodeAt(secret, TimeSpan.FromSeconds(90))));
        Assert.False(twoFactor.VerifyCode(user, "12345"));
        Assert.False(twoFactor.VerifyCode(user, null));

        var previous = CodeAt(secret, TimeSpan.FromSeconds(-30));
        Assert.True(twoFactor.VerifyCode(user, previous));
        Assert.False(twoFactor.VerifyCode(user, previous)); // replayed
        var current = CodeAt(secret, TimeSpan.Zero);
        Assert.True(twoFactor.VerifyCode(user, current[..3] + " " + current[3..])); // as apps show it
        Assert.False(twoFactor.VerifyCode(user, current));
        Assert.False(twoFactor.VerifyCode(user, previous)); // an older step after a newer one

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(twoFactor.VerifyCode(user, twoFactor.CurrentCode(secret)));
    }

    [Fact]
    public void The_secret_is_stored_encrypted_and_the_qr_code_is_an_inline_png()
    {
        var twoFactor = Create();
        var secret = TwoFactor.NewSecret();
        Assert.Equal(32, secret.Length); // 160 bits in Base32
        var stored = twoFactor.Protect(secret);
        Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(secret, twoFactor.Unprotect(stored));
        // Another purpose (or another key ring) cannot read it.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Create().Unprotect(stored));

        var uri = TwoFactor.OtpAuthUri(secret, "alice@csirt.test");
        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, uri, StringComparison.Ordinal);
        Assert.Contains("issuer=Vigie", uri, StringComparison.Ordinal);
        var qr = TwoFactor.QrDataUri(uri);
        Assert.StartsWith("data:image/png;base64,", qr, StringComparison.Ordinal);
        var png = Convert.FromBase64String(qr["data:image/png;base64,".Length..]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal("ABCD EFGH IJ", TwoFactor.Grouped("ABCDEFGHIJ"));
    }

    [Fact]
    public void Recovery_codes_are_told_apart_from_totp_codes()
    {
        Assert.True(TwoFactor.LooksLikeRecoveryCode("abcde-fgh23"));
        Assert.True(TwoFactor.LooksLikeRecoveryCode(" ABCDE FGH23 "));
        Assert.False(TwoFactor.LooksLikeRecoveryCode("123456"));
        Assert.False(TwoFactor.LooksLikeRecoveryCode("1234567890"));
        Assert.False(TwoFactor.LooksLikeRecoveryCode(null));
    }

    private static IStringLocalizer Text(string culture)
    {
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(culture);
        return new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance)
            .Create(typeof(IdentityText));
    }

    [Theory]
    [InlineData("short", "at least 12 characters")]
    [InlineData("alice.martin@csirt.test", "e-mail address or the name")]
    [InlineData("ALICE.MARTIN", "e-mail address or the name")]
    [InlineData("Alice Martin", "e-mail address or the name")]
    [InlineData("Alice", null)] // the length rule answers first
    [InlineData("alice-martin-", "e-mail address or the name")]
    [InlineData("Password1234", "most common")]
    [InlineData("aaaaaaaaaaaaaaaa", "most common")]
    [InlineData("azertyuiop123", "most common")]
    [InlineData("tulipe-verte-sous-la-pluie", "")]
    public void Password_rules_say_which_rule_a_password_breaks(string password, string? expected)
    {
        var error = PasswordRules.Check(password, "alice.martin@csirt.test", "Alice Martin-", Text("en"));
        if (expected == "")
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.Contains(expected ?? "at least 12", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Password_rules_speak_french_too()
    {
        Assert.Equal("Le mot de passe doit comporter au moins 12 caractères.", PasswordRules.Check("court", "a@b.test", null, Text("fr")));
        Assert.Contains("plus courants", PasswordRules.Check("motdepasse123", "a@b.test", null, Text("fr")), StringComparison.Ordinal);
    }
}
