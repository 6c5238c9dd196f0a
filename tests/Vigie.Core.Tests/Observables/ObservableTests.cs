using System.Globalization;
using System.Net;
using CsCheck;
using Vigie.Core.Observables;

namespace Vigie.Core.Tests.Observables;

public class ObservableTests
{
    [Theory]
    [InlineData("203[.]0.113[.]5", "203.0.113.5")]
    [InlineData("1.2.3[.]4", "1.2.3.4")]
    [InlineData("bad(.)example(.)com", "bad.example.com")]
    [InlineData("bad{.}example{.}com", "bad.example.com")]
    [InlineData("example[dot]com", "example.com")]
    [InlineData("example(DOT)com", "example.com")]
    [InlineData("example{Dot}com", "example.com")]
    [InlineData(@"example\.com", "example.com")]
    [InlineData("user[@]example[.]com", "user@example.com")]
    [InlineData("user(@)example.com", "user@example.com")]
    [InlineData("user{@}example.com", "user@example.com")]
    [InlineData("user[at]example.com", "user@example.com")]
    [InlineData("user(AT)example.com", "user@example.com")]
    [InlineData("user{at}example.com", "user@example.com")]
    [InlineData("hxxps://evil[.]example/x", "https://evil.example/x")]
    [InlineData("hxxp://evil.example/", "http://evil.example/")]
    [InlineData("hXXp://evil.example/", "http://evil.example/")]
    [InlineData("hXXps://evil.example/", "https://evil.example/")]
    [InlineData("HXXPS://evil.example/", "https://evil.example/")]
    [InlineData("hxxp[:]//evil.example/", "http://evil.example/")]
    [InlineData("hxxps[://]evil.example/", "https://evil.example/")]
    [InlineData("https[:]//evil.example/", "https://evil.example/")]
    [InlineData("2001:db8[:]:1", "2001:db8::1")]
    [InlineData("see hxxp://a[.]example and hxxps://b[.]example", "see http://a.example and https://b.example")]
    [InlineData("http://x.example/?next=hxxp://y.example", "http://x.example/?next=http://y.example")]
    [InlineData("a[[.]]b", "a.b")] // defanged twice
    public void Refang_undoes_each_defanged_form(string input, string expected) =>
        Assert.Equal(expected, ObservableValue.Refang(input));

    [Theory]
    [InlineData("example.com")]
    [InlineData("example DOT com")] // prose, not a bracketed form
    [InlineData("example dot com")]
    [InlineData("user at example.com")]
    [InlineData("fxp://evil.example/")]
    [InlineData("meow://evil.example/")]
    [InlineData("hxxpfoo://evil.example/")]
    [InlineData("shxxp://evil.example/")] // hxxp only as a whole scheme
    [InlineData("hxxp:/evil.example/")]
    [InlineData("hxxp")]
    [InlineData("http://[2001:db8::1]/")]
    [InlineData("[::]")]
    [InlineData("f(x) = [a] + {b}")]
    [InlineData("")]
    public void Refang_leaves_text_without_defanging_alone(string input) =>
        Assert.Same(input, ObservableValue.Refang(input));

    [Theory]
    // IPv4
    [InlineData("192.0.2.1", ObservableKind.IPv4, "192.0.2.1")]
    [InlineData("  203[.]0.113[.]5 \n", ObservableKind.IPv4, "203.0.113.5")]
    [InlineData("0.0.0.0", ObservableKind.IPv4, "0.0.0.0")]
    [InlineData("255.255.255.255", ObservableKind.IPv4, "255.255.255.255")]
    // IPv6, RFC 5952 canonical; IPv4-mapped becomes IPv4
    [InlineData("2001:DB8:0:0:0:0:0:1", ObservableKind.IPv6, "2001:db8::1")]
    [InlineData("2001:0db8:0000:0000:0001:0000:0000:0001", ObservableKind.IPv6, "2001:db8::1:0:0:1")]
    [InlineData("2001:db8:0:1:1:1:1:1", ObservableKind.IPv6, "2001:db8:0:1:1:1:1:1")]
    [InlineData("::", ObservableKind.IPv6, "::")]
    [InlineData("::1", ObservableKind.IPv6, "::1")]
    [InlineData("::ffff:192.0.2.1", ObservableKind.IPv4, "192.0.2.1")]
    [InlineData("::FFFF:c000:0201", ObservableKind.IPv4, "192.0.2.1")]
    // CIDR
    [InlineData("198.51.100.0/24", ObservableKind.Cidr, "198.51.100.0/24")]
    [InlineData("10.0.0.0/8", ObservableKind.Cidr, "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", ObservableKind.Cidr, "0.0.0.0/0")]
    [InlineData("192.0.2.1/32", ObservableKind.Cidr, "192.0.2.1/32")]
    [InlineData("10[.]0.0.0/8", ObservableKind.Cidr, "10.0.0.0/8")]
    [InlineData("2001:DB8:0::/32", ObservableKind.Cidr, "2001:db8::/32")]
    [InlineData("::/0", ObservableKind.Cidr, "::/0")]
    [InlineData("::ffff:10.0.0.0/104", ObservableKind.Cidr, "10.0.0.0/8")]
    // Domains
    [InlineData("Example.COM", ObservableKind.Domain, "example.com")]
    [InlineData("example.com.", ObservableKind.Domain, "example.com")]
    [InlineData("bad(.)example(.)com", ObservableKind.Domain, "bad.example.com")]
    [InlineData("example[dot]com", ObservableKind.Domain, "example.com")]
    [InlineData("_dmarc.example.com", ObservableKind.Domain, "_dmarc.example.com")]
    [InlineData("a-b.example", ObservableKind.Domain, "a-b.example")]
    [InlineData("BÜCHER.example", ObservableKind.Domain, "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", ObservableKind.Domain, "xn--bcher-kva.example")]
    [InlineData("例え。テスト", ObservableKind.Domain, "xn--r8jz45g.xn--zckzah")]
    [InlineData("1.2.3.example", ObservableKind.Domain, "1.2.3.example")]
    [InlineData("CVE-2021-44228.example", ObservableKind.Domain, "cve-2021-44228.example")]
    // URLs: scheme and host normalised, the rest verbatim
    [InlineData("hxxps://evil[.]example/x", ObservableKind.Url, "https://evil.example/x")]
    [InlineData("HTTPS://EVIL.Example:443/Path/%7e?Q=A%20B#Frag", ObservableKind.Url, "https://evil.example/Path/%7e?Q=A%20B#Frag")]
    [InlineData("http://evil.example:80/", ObservableKind.Url, "http://evil.example/")]
    [InlineData("http://evil.example:/", ObservableKind.Url, "http://evil.example/")]
    [InlineData("http://evil.example:8080/", ObservableKind.Url, "http://evil.example:8080/")]
    [InlineData("http://evil.example:08080/", ObservableKind.Url, "http://evil.example:8080/")]
    [InlineData("https://evil.example:80/", ObservableKind.Url, "https://evil.example:80/")]
    [InlineData("ftp://files.example:21/a", ObservableKind.Url, "ftp://files.example/a")]
    [InlineData("http://evil.example", ObservableKind.Url, "http://evil.example/")]
    [InlineData("http://evil.example?q=1", ObservableKind.Url, "http://evil.example/?q=1")]
    [InlineData("http://bank.example@evil.example/login", ObservableKind.Url, "http://bank.example@evil.example/login")]
    [InlineData("http://[2001:DB8::1]:8080/x", ObservableKind.Url, "http://[2001:db8::1]:8080/x")]
    [InlineData("http://[::ffff:192.0.2.1]/", ObservableKind.Url, "http://192.0.2.1/")]
    [InlineData("http://203[.]0.113[.]5/a/../b", ObservableKind.Url, "http://203.0.113.5/a/../b")]
    [InlineData("http://intranet/login", ObservableKind.Url, "http://intranet/login")]
    [InlineData("http://bücher.example/ä", ObservableKind.Url, "http://xn--bcher-kva.example/ä")]
    [InlineData("tcp://c2.example:4444", ObservableKind.Url, "tcp://c2.example:4444")]
    // E-mail: local part as given
    [InlineData("user[@]example[.]com", ObservableKind.Email, "user@example.com")]
    [InlineData("John.Doe@EXAMPLE.com", ObservableKind.Email, "John.Doe@example.com")]
    [InlineData("user(at)example(dot)com", ObservableKind.Email, "user@example.com")]
    [InlineData("\"a@b\"@example.com", ObservableKind.Email, "\"a@b\"@example.com")]
    [InlineData("info+tag@bücher.example", ObservableKind.Email, "info+tag@xn--bcher-kva.example")]
    [InlineData("\"john doe\"@example.com", ObservableKind.Email, "\"john doe\"@example.com")]
    [InlineData("josé@example.com", ObservableKind.Email, "josé@example.com")]
    // Hashes: a 32-hex string is MD5, never a domain
    [InlineData("D41D8CD98F00B204E9800998ECF8427E", ObservableKind.Md5, "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("da39a3ee5e6b4b0d3255bfef95601890afd80709", ObservableKind.Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", ObservableKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", ObservableKind.Sha512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("12345678901234567890123456789012", ObservableKind.Md5, "12345678901234567890123456789012")]
    // CVE
    [InlineData("cve-2021-44228", ObservableKind.Cve, "CVE-2021-44228")]
    [InlineData("CVE-1999-0001", ObservableKind.Cve, "CVE-1999-0001")]
    [InlineData("CVE-2021-044228", ObservableKind.Cve, "CVE-2021-44228")]
    [InlineData("CVE-2024-1234567", ObservableKind.Cve, "CVE-2024-1234567")]
    // ASN
    [InlineData("AS64496", ObservableKind.Asn, "AS64496")]
    [InlineData("as123", ObservableKind.Asn, "AS123")]
    [InlineData("ASN64496", ObservableKind.Asn, "AS64496")]
    [InlineData("AS0", ObservableKind.Asn, "AS0")]
    [InlineData("AS4294967295", ObservableKind.Asn, "AS4294967295")]
    [InlineData("AS1.10", ObservableKind.Asn, "AS65546")]
    public void Detects_and_normalises(string input, ObservableKind kind, string expected)
    {
        Assert.True(ObservableValue.TryNormalize(input, null, out var value, out var error), error);
        Assert.Null(error);
        Assert.Equal(new ObservableValue(kind, expected), value);
    }

    [Theory]
    [InlineData("192.0.2.1", ObservableKind.IPv4, ObservableKind.IPv4, "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", ObservableKind.IPv4, ObservableKind.IPv4, "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", ObservableKind.IPv6, ObservableKind.IPv4, "192.0.2.1")]
    [InlineData("64496", ObservableKind.Asn, ObservableKind.Asn, "AS64496")]
    [InlineData("deadbeefdeadbeefdeadbeefdeadbeef.example", ObservableKind.Domain, ObservableKind.Domain, "deadbeefdeadbeefdeadbeefdeadbeef.example")]
    [InlineData("abc.example", ObservableKind.Domain, ObservableKind.Domain, "abc.example")]
    public void Normalises_as_the_requested_kind(string input, ObservableKind requested, ObservableKind kind, string expected)
    {
        Assert.True(ObservableValue.TryNormalize(input, requested, out var value, out var error), error);
        Assert.Equal(new ObservableValue(kind, expected), value);
    }

    [Theory]
    [InlineData("", null, "An observable is required; the input is empty.")]
    [InlineData("   ", null, "An observable is required; the input is empty.")]
    [InlineData(null, ObservableKind.IPv4, "An observable is required; the input is empty.")]
    [InlineData("hello", null, "'hello' is not recognised as an IP address, CIDR block, domain name, URL, e-mail address, hash, CVE identifier or AS number.")]
    [InlineData("d41d8cd98f00b204e9800998ecf842", null, "'d41d8cd98f00b204e9800998ecf842' looks like a hash but has 30 hexadecimal digits; MD5, SHA-1, SHA-256 and SHA-512 have 32, 40, 64 and 128.")]
    // IPv4
    [InlineData("010.1.1.1", null, "'010.1.1.1' has an octet with a leading zero, which some systems read as octal and others as decimal; write each octet without leading zeros.")]
    [InlineData("1.2.3.04", ObservableKind.IPv4, "'1.2.3.04' has an octet with a leading zero, which some systems read as octal and others as decimal; write each octet without leading zeros.")]
    [InlineData("256.1.1.1", null, "'256.1.1.1' is not a valid IPv4 address; expected four numbers from 0 to 255 separated by dots, such as 192.0.2.1.")]
    [InlineData("1.2.3", null, "'1.2.3' is not a valid IPv4 address; expected four numbers from 0 to 255 separated by dots, such as 192.0.2.1.")]
    [InlineData("1.2.3.4.5", null, "'1.2.3.4.5' is not a valid IPv4 address; expected four numbers from 0 to 255 separated by dots, such as 192.0.2.1.")]
    [InlineData("0x7f.1", ObservableKind.IPv4, "'0x7f.1' is not a valid IPv4 address; expected four numbers from 0 to 255 separated by dots, such as 192.0.2.1.")]
    [InlineData("2001:db8::1", ObservableKind.IPv4, "'2001:db8::1' is an IPv6 address, not an IPv4 address.")]
    // IPv6
    [InlineData("192.0.2.1", ObservableKind.IPv6, "'192.0.2.1' is an IPv4 address, not an IPv6 address.")]
    [InlineData("2001:db8::1::2", null, "'2001:db8::1::2' is not a valid IPv6 address (RFC 4291 §2.2).")]
    [InlineData("[::1]:80", ObservableKind.IPv6, "'[::1]:80' is not a valid IPv6 address (RFC 4291 §2.2).")]
    [InlineData("fe80::1%eth0", null, "'fe80::1%eth0' has a zone index ('%…'), which only means something on one host; remove it.")]
    // CIDR
    [InlineData("10.0.0.1/8", null, "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("2001:db8::1/32", null, "'2001:db8::1/32' has host bits set; did you mean 2001:db8::/32?")]
    [InlineData("10.0.0.0/33", null, "'10.0.0.0/33' has prefix length 33, but this address family allows at most 32.")]
    [InlineData("2001:db8::/129", null, "'2001:db8::/129' has prefix length 129, but this address family allows at most 128.")]
    [InlineData("10.0.0.0/", null, "'10.0.0.0/' is not a valid CIDR block; expected an address, a slash and a prefix length, such as 198.51.100.0/24.")]
    [InlineData("10.0.0.0", ObservableKind.Cidr, "'10.0.0.0' is not a valid CIDR block; expected an address, a slash and a prefix length, such as 198.51.100.0/24.")]
    [InlineData("010.0.0.0/8", null, "'010.0.0.0/8' has an octet with a leading zero, which some systems read as octal and others as decimal; write each octet without leading zeros.")]
    // Domains
    [InlineData("localhost", ObservableKind.Domain, "'localhost' is not a valid domain name: it needs at least two labels, such as example.com.")]
    [InlineData("a..example", null, "'a..example' is not a valid domain name: it has an empty label (a leading dot or two dots in a row).")]
    [InlineData(".example.com", null, "'.example.com' is not a valid domain name: it has an empty label (a leading dot or two dots in a row).")]
    [InlineData("bad!.example", null, "'bad!.example' is not a valid domain name: '!' is not allowed (only letters, digits, hyphens and underscores).")]
    [InlineData("evil.example/path", null, "'evil.example/path' is not a domain name; if it is a URL, include its scheme, such as https://.")]
    [InlineData("example.123", null, "'example.123' is not a valid domain name: its last label is all digits, which no top-level domain is (RFC 3696 §2).")]
    [InlineData("xn--zz.example", null, "'xn--zz.example' is not a valid internationalised domain name: label 'xn--zz' cannot be converted (RFC 5891).")]
    [InlineData("example DOT com", null, "'example DOT com' is not recognised as an IP address, CIDR block, domain name, URL, e-mail address, hash, CVE identifier or AS number.")]
    [InlineData("www.example .com", null, "'www.example .com' is not a valid domain name: ' ' is not allowed (only letters, digits, hyphens and underscores).")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", null, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example' is not a valid domain name: a label has 64 characters, more than the 63 allowed (RFC 1035 §2.3.4).")]
    // URLs
    [InlineData("fxp//evil.example/", ObservableKind.Url, "'fxp//evil.example/' is not a valid URL; expected an absolute URL with a scheme and a host, such as https://example.com/path (RFC 3986).")]
    [InlineData("1http://evil.example/", ObservableKind.Url, "'1http://evil.example/' is not a valid URL; expected an absolute URL with a scheme and a host, such as https://example.com/path (RFC 3986).")]
    [InlineData("http:///path", null, "'http:///path' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).")]
    [InlineData("http://[1.2.3.4]/", null, "'http://[1.2.3.4]/' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).")]
    [InlineData("http://evil.example/a b", null, "'http://evil.example/a b' is not a valid URL: it contains spaces or control characters, which must be percent-encoded (RFC 3986 §2.1).")]
    [InlineData("http://evil.example:99999/", null, "'http://evil.example:99999/' is not a valid URL: port '99999' is not a number from 0 to 65535.")]
    [InlineData("http://010.0.0.1/", null, "'http://010.0.0.1/' is not a valid URL because of its host: '010.0.0.1' has an octet with a leading zero, which some systems read as octal and others as decimal; write each octet without leading zeros.")]
    [InlineData("http://ev!l.example/", null, "'http://ev!l.example/' is not a valid URL because of its host: 'ev!l.example' is not a valid domain name: '!' is not allowed (only letters, digits, hyphens and underscores).")]
    [InlineData("http://2130706433/", null, "'http://2130706433/' is not a valid URL because of its host: '2130706433' is not a valid domain name: its last label is all digits, which no top-level domain is (RFC 3696 §2).")]
    // E-mail
    [InlineData("a@b@example.com", null, "'a@b@example.com' is not a valid e-mail address: it has more than one '@'.")]
    [InlineData("@example.com", null, "'@example.com' is not a valid e-mail address; expected local-part@domain (RFC 5321 §4.1.2).")]
    [InlineData("user@", null, "'user@' is not a valid e-mail address; expected local-part@domain (RFC 5321 §4.1.2).")]
    [InlineData("john doe@example.com", null, "'john doe@example.com' is not a valid e-mail address: local part 'john doe' is malformed (RFC 5322 §3.4.1).")]
    [InlineData("http://[::1/", null, "'http://[::1/' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).")]
    [InlineData("http://[::1]x/", null, "'http://[::1]x/' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).")]
    [InlineData("http://user@/", null, "'http://user@/' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).")]
    [InlineData("a..b@example.com", null, "'a..b@example.com' is not a valid e-mail address: local part 'a..b' is malformed (RFC 5322 §3.4.1).")]
    [InlineData("mailto:user@example.com", null, "'mailto:user@example.com' is not a valid e-mail address: local part 'mailto:user' is malformed (RFC 5322 §3.4.1).")]
    [InlineData("user@localhost", null, "'user@localhost' is not a valid e-mail address because of its domain: 'localhost' is not a valid domain name: it needs at least two labels, such as example.com.")]
    // Hashes
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", ObservableKind.Sha1, "'d41d8cd98f00b204e9800998ecf8427e' is not a valid SHA-1 hash; expected 40 hexadecimal digits.")]
    [InlineData("g41d8cd98f00b204e9800998ecf8427e", ObservableKind.Md5, "'g41d8cd98f00b204e9800998ecf8427e' is not a valid MD5 hash; expected 32 hexadecimal digits.")]
    // CVE
    [InlineData("CVE-1998-0001", null, "'CVE-1998-0001' is not a valid CVE identifier; expected CVE-YYYY-NNNN with a year from 1999 and at least four sequence digits.")]
    [InlineData("CVE-2021-123", null, "'CVE-2021-123' is not a valid CVE identifier; expected CVE-YYYY-NNNN with a year from 1999 and at least four sequence digits.")]
    [InlineData("CVE-21-12345", null, "'CVE-21-12345' is not a valid CVE identifier; expected CVE-YYYY-NNNN with a year from 1999 and at least four sequence digits.")]
    [InlineData("CVE-2021-4422a", null, "'CVE-2021-4422a' is not a valid CVE identifier; expected CVE-YYYY-NNNN with a year from 1999 and at least four sequence digits.")]
    // ASN
    [InlineData("AS4294967296", null, "'AS4294967296' is not a valid AS number; expected AS followed by a number from 0 to 4294967295, such as AS64496.")]
    [InlineData("AS65536.1", null, "'AS65536.1' is not a valid AS number; expected AS followed by a number from 0 to 4294967295, such as AS64496.")]
    [InlineData("AS-1", ObservableKind.Asn, "'AS-1' is not a valid AS number; expected AS followed by a number from 0 to 4294967295, such as AS64496.")]
    public void Rejects_with_a_message_naming_the_input(string? input, ObservableKind? kind, string expected)
    {
        Assert.False(ObservableValue.TryNormalize(input, kind, out var value, out var error));
        Assert.Equal(expected, error);
        Assert.Equal(default, value);
    }

    [Fact]
    public void Rejects_overlong_input_and_shortens_it_in_the_message()
    {
        var input = new string('a', ObservableValue.MaxInputLength + 1);
        Assert.False(ObservableValue.TryNormalize(input, null, out _, out var error));
        Assert.Equal($"'{new string('a', 100)}…' is {ObservableValue.MaxInputLength + 1} characters long; an observable is at most {ObservableValue.MaxInputLength} characters.", error);
    }

    [Fact]
    public void Rejects_overlong_domain()
    {
        var input = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".example"; // 263 characters
        Assert.False(ObservableValue.TryNormalize(input, null, out _, out var error));
        Assert.EndsWith("is not a valid domain name: it has 263 characters, more than the 253 allowed (RFC 1035 §2.3.4).", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", ObservableKind.IPv4, true)]
    [InlineData("172.16.0.1", ObservableKind.IPv4, true)]
    [InlineData("172.31.255.255", ObservableKind.IPv4, true)]
    [InlineData("172.32.0.1", ObservableKind.IPv4, false)]
    [InlineData("192.168.1.1", ObservableKind.IPv4, true)]
    [InlineData("127.0.0.1", ObservableKind.IPv4, true)]
    [InlineData("169.254.1.1", ObservableKind.IPv4, true)]
    [InlineData("100.64.0.1", ObservableKind.IPv4, true)]
    [InlineData("100.127.255.255", ObservableKind.IPv4, true)]
    [InlineData("100.128.0.1", ObservableKind.IPv4, false)]
    [InlineData("192.0.2.5", ObservableKind.IPv4, true)]
    [InlineData("198.51.100.5", ObservableKind.IPv4, true)]
    [InlineData("203.0.113.5", ObservableKind.IPv4, true)]
    [InlineData("224.0.0.251", ObservableKind.IPv4, true)]
    [InlineData("0.1.2.3", ObservableKind.IPv4, true)]
    [InlineData("240.0.0.1", ObservableKind.IPv4, true)]
    [InlineData("255.255.255.255", ObservableKind.IPv4, true)]
    [InlineData("8.8.8.8", ObservableKind.IPv4, false)]
    [InlineData("1.1.1.1", ObservableKind.IPv4, false)]
    [InlineData("::1", ObservableKind.IPv6, true)]
    [InlineData("::", ObservableKind.IPv6, true)]
    [InlineData("2001:db8::1", ObservableKind.IPv6, true)]
    [InlineData("fd12:3456::1", ObservableKind.IPv6, true)]
    [InlineData("fe80::1", ObservableKind.IPv6, true)]
    [InlineData("ff02::1", ObservableKind.IPv6, true)]
    [InlineData("2606:4700:4700::1111", ObservableKind.IPv6, false)]
    [InlineData("::ffff:10.0.0.1", ObservableKind.IPv6, true)]
    [InlineData("::ffff:8.8.8.8", ObservableKind.IPv6, false)]
    [InlineData("10.0.0.0/8", ObservableKind.Cidr, true)]
    [InlineData("10.20.0.0/16", ObservableKind.Cidr, true)]
    [InlineData("192.168.0.0/15", ObservableKind.Cidr, false)] // only overlaps
    [InlineData("0.0.0.0/0", ObservableKind.Cidr, false)]
    [InlineData("2001:db8:1::/48", ObservableKind.Cidr, true)]
    [InlineData("2001:db8::/31", ObservableKind.Cidr, false)]
    [InlineData("8.8.8.0/24", ObservableKind.Cidr, false)]
    [InlineData("10.0.0.1", ObservableKind.Domain, false)] // not an IP kind
    [InlineData("not an ip", ObservableKind.IPv4, false)]
    public void Knows_private_and_reserved_addresses(string value, ObservableKind kind, bool expected) =>
        Assert.Equal(expected, ObservableValue.IsPrivateOrReserved(new ObservableValue(kind, value)));

    // Properties: for generated IPv4, IPv6 and domains, (1) a defanged spelling normalises to the same value
    // as the plain one, and (2) normalising a normal form gives it back unchanged.

    private static readonly Gen<string> DotDefang = Gen.OneOf("[.]", "(.)", "{.}", "[dot]", "(DOT)", "{Dot}", @"\.", ".");

    private static readonly Gen<string> IPv4Text =
        Gen.UInt.Select(n => new IPAddress(BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(n) : n).ToString());

    // Full, compressed and mixed-case spellings of random addresses, including IPv4-mapped ones.
    private static readonly Gen<string> IPv6Text =
        Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 3], (bytes, style) =>
        {
            if (style == 3)
            {
                bytes[..10].AsSpan().Clear();
                bytes[10] = bytes[11] = 0xFF;
            }

            var address = new IPAddress(bytes);
            return style switch
            {
                0 => address.ToString().ToUpperInvariant(),
                1 => string.Join(':', Enumerable.Range(0, 8).Select(i => ((bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToString("x4", CultureInfo.InvariantCulture))),
                _ => address.ToString(),
            };
        });

    private static readonly Gen<string> Label =
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"].Array[1, 20].Select(c => new string(c));

    private static readonly Gen<string> DomainText =
        Gen.Select(Label.Array[1, 4], Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"].Array[2, 10].Select(c => new string(c)), Gen.Bool,
            (labels, tld, rooted) => string.Join('.', labels) + "." + tld + (rooted ? "." : ""));

    private static string Defang(string text, IReadOnlyList<string> dots) =>
        string.Concat(text.Split('.').Select((part, i) => i == 0 ? part : dots[(i - 1) % dots.Count] + part));

    private static ObservableValue Normalized(string text, ObservableKind? kind = null)
    {
        Assert.True(ObservableValue.TryNormalize(text, kind, out var value, out var error), error);
        return value;
    }

    [Fact]
    public void Defanged_IPv4_normalises_like_the_plain_address_and_is_idempotent() =>
        Gen.Select(IPv4Text, DotDefang.Array[3]).Sample((ip, dots) =>
        {
            var plain = Normalized(ip);
            Assert.Equal(new ObservableValue(ObservableKind.IPv4, ip), plain);
            Assert.Equal(plain, Normalized(Defang(ip, dots)));
            Assert.Equal(plain, Normalized(plain.Value));
            Assert.Equal(plain, Normalized(plain.Value, plain.Kind));
        });

    [Fact]
    public void Defanged_IPv6_normalises_like_the_plain_address_and_is_idempotent() =>
        IPv6Text.Sample(ip =>
        {
            var plain = Normalized(ip);
            Assert.Equal(plain, Normalized(ip.Replace(":", "[:]", StringComparison.Ordinal)));
            Assert.Equal(plain, Normalized(plain.Value));
            Assert.Equal(plain, Normalized(plain.Value, plain.Kind));
            Assert.Equal(plain, Normalized(ip, ObservableKind.IPv6));
        });

    [Fact]
    public void Defanged_domains_normalise_like_the_plain_domain_and_are_idempotent() =>
        Gen.Select(DomainText, DotDefang.Array[5]).Sample((domain, dots) =>
        {
            var plain = Normalized(domain);
            Assert.Equal(ObservableKind.Domain, plain.Kind);
            Assert.Equal(plain, Normalized(Defang(domain, dots)));
            Assert.Equal(plain, Normalized(plain.Value));
            Assert.Equal(plain, Normalized(plain.Value, ObservableKind.Domain));
        });

    [Fact]
    public void Defanged_urls_and_emails_normalise_like_the_plain_ones_and_are_idempotent() =>
        Gen.Select(DomainText, DotDefang.Array[5], Label).Sample((domain, dots, local) =>
        {
            var host = domain.TrimEnd('.');
            var url = Normalized($"https://{host}/{local}?q={local}");
            Assert.Equal(url, Normalized($"hXXps[://]{Defang(host, dots)}/{local}?q={local}"));
            Assert.Equal(url, Normalized(url.Value));

            var email = Normalized($"{local}@{host}");
            Assert.Equal(email, Normalized($"{local}[at]{Defang(host, dots)}"));
            Assert.Equal(email, Normalized(email.Value));
        });
}
