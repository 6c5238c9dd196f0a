using System.Security.Cryptography;
using System.Text;

namespace Vigie.Features.Identity;

/// <summary>Creation and hashing of API tokens (<c>vgt_</c> + 256 random bits, base64url).</summary>
public static class ApiTokens
{
    public const string Prefix = "vgt_";

    public static string NewToken() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// SHA-256 is enough here (no salt, no stretching): the token has 256 bits of entropy, so a
    /// stolen hash cannot be brute-forced, and a fast hash keeps per-request authentication cheap.
    /// </summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string DisplayPrefix(string token) => token[..Math.Min(12, token.Length)];

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
