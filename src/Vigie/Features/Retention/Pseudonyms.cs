using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.Retention;

/// <summary>
/// Stable pseudonyms for personal data: HMAC-SHA256 under the installation's secret key, so that the same
/// address always gives the same pseudonym (counts and links survive) and no mapping back is kept anywhere.
/// Without the key, a pseudonym cannot be tested against a guessed address.
/// </summary>
public sealed partial class Pseudonyms
{
    private readonly byte[] _key;

    public Pseudonyms(byte[] key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("The pseudonym key is shorter than 16 bytes.", nameof(key));
        }
        _key = key;
    }

    /// <summary><c>pseudonym-3f9a…@invalid</c> (RFC 2606 reserves .invalid: never deliverable).</summary>
    public string Email(string address) => $"pseudonym-{Digest("email", address.Trim().ToLowerInvariant())}@invalid";

    public string Name(string name) => $"pseudonym-{Digest("name", name.Trim().ToLowerInvariant())}";

    public string Phone(string phone) => $"pseudonym-{Digest("phone", new string(phone.Where(char.IsAsciiDigit).ToArray()))}";

    /// <summary>True for a value this class produced (so that a second pass leaves it alone).</summary>
    public static bool IsPseudonym(string value) => value.StartsWith("pseudonym-", StringComparison.Ordinal);

    /// <summary>
    /// Free text with every e-mail address, every known name (whole words, any case) and every phone number
    /// (French and international forms) replaced by its pseudonym. Names are only those the record names
    /// elsewhere (parties, From headers): a name nobody recorded cannot be recognised in prose.
    /// </summary>
    public string? Scrub(string? text, IReadOnlyCollection<string> names)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        var result = EmailPattern().Replace(text, m => m.Value.EndsWith("@invalid", StringComparison.OrdinalIgnoreCase) ? m.Value : Email(m.Value));
        result = PhonePattern().Replace(result, m => Phone(m.Value));
        foreach (var name in names.Where(n => n.Trim().Length >= 3 && !IsPseudonym(n)).OrderByDescending(n => n.Length))
        {
            result = Regex.Replace(result, $@"(?<!\w){Regex.Escape(name.Trim())}(?!\w)", _ => Name(name), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        return result;
    }

    /// <summary>The addresses in a text (a From header, a recipient list).</summary>
    public static IEnumerable<string> Addresses(string? text) =>
        string.IsNullOrEmpty(text) ? [] : EmailPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    /// <summary>The display name of a From header (<c>Jeanne Martin &lt;j@x&gt;</c> gives "Jeanne Martin").</summary>
    public static string? DisplayName(string? from)
    {
        if (string.IsNullOrWhiteSpace(from) || !MimeKit.MailboxAddress.TryParse(from, out var mailbox))
        {
            return null;
        }
        return string.IsNullOrWhiteSpace(mailbox.Name) ? null : mailbox.Name.Trim();
    }

    private string Digest(string kind, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(kind + ":" + value)))[..16];

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EmailPattern();

    // +33 1 23 45 67 89, +33123456789, 01 23 45 67 89, 01.23.45.67.89, 0123456789; never an IP address (no leading 0 or +).
    [GeneratedRegex(@"(?<![\w.+])(?:\+[1-9][0-9]{0,2}[ .\-]?(?:\(0\)[ .\-]?)?[1-9]|0[1-9])(?:[ .\-]?[0-9]{2}){4}(?![\w])", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex PhonePattern();
}

/// <summary>Reads (or, the first time, creates) the pseudonym key file; the key is never logged.</summary>
public sealed class PseudonymKey(IOptions<RetentionOptions> options, IOptions<VigieOptions> vigie)
{
    private readonly Lazy<Pseudonyms> _pseudonyms = new(() => new Pseudonyms(Load(options.Value, vigie.Value)));

    public Pseudonyms Pseudonyms => _pseudonyms.Value;

    public static string PathOf(RetentionOptions options, VigieOptions vigie) =>
        Path.GetFullPath(options.PseudonymKeyFile is { Length: > 0 } file ? file : Path.Combine(vigie.DataPath, "secrets", "pseudonym-key"));

    private static byte[] Load(RetentionOptions options, VigieOptions vigie)
    {
        var path = PathOf(options, vigie);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                var options600 = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options600.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var writer = new StreamWriter(path, Encoding.ASCII, options600);
                writer.WriteLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }
        var text = File.ReadAllText(path).Trim();
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{RetentionOptions.Section}:PseudonymKeyFile: {path} does not hold a hexadecimal key.");
        }
    }
}
