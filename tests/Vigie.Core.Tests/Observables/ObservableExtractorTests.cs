using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using Vigie.Core.Observables;

namespace Vigie.Core.Tests.Observables;

public class ObservableExtractorTests
{
    private static (ObservableKind Kind, string Value, string Written)[] Extract(string text) =>
        [.. ObservableExtractor.Extract(text).Select(x => (x.Observable.Kind, x.Observable.Value, text.Substring(x.Start, x.Length)))];

    private static void AssertSingle(string text, ObservableKind kind, string value, string written) =>
        Assert.Equal([(kind, value, written)], Extract(text));

    [Theory]
    // each defanged dot, in context so that positions are not trivially 0
    [InlineData("Scan from 203[.]0.113[.]5 at 12:34:56.", ObservableKind.IPv4, "203.0.113.5", "203[.]0.113[.]5")]
    [InlineData("host evil[.]example[.]com was seen", ObservableKind.Domain, "evil.example.com", "evil[.]example[.]com")]
    [InlineData("host evil(.)example(.)com was seen", ObservableKind.Domain, "evil.example.com", "evil(.)example(.)com")]
    [InlineData("host evil{.}example{.}com was seen", ObservableKind.Domain, "evil.example.com", "evil{.}example{.}com")]
    [InlineData("host evil[dot]example[DOT]com was seen", ObservableKind.Domain, "evil.example.com", "evil[dot]example[DOT]com")]
    [InlineData("host evil(dot)example(dot)com was seen", ObservableKind.Domain, "evil.example.com", "evil(dot)example(dot)com")]
    [InlineData("host evil{dot}example{dot}com was seen", ObservableKind.Domain, "evil.example.com", "evil{dot}example{dot}com")]
    [InlineData(@"host evil\.example\.com was seen", ObservableKind.Domain, "evil.example.com", @"evil\.example\.com")]
    [InlineData("host example[.]com.", ObservableKind.Domain, "example.com", "example[.]com")]
    [InlineData("host example[.]com[.] End", ObservableKind.Domain, "example.com", "example[.]com")]
    // defanged schemes and separators
    [InlineData("get hxxp://evil[.]example/a now", ObservableKind.Url, "http://evil.example/a", "hxxp://evil[.]example/a")]
    [InlineData("get hxxps://evil.example/a now", ObservableKind.Url, "https://evil.example/a", "hxxps://evil.example/a")]
    [InlineData("get hXXps://evil.example/a now", ObservableKind.Url, "https://evil.example/a", "hXXps://evil.example/a")]
    [InlineData("get fxp://files.example/x.zip now", ObservableKind.Url, "ftp://files.example/x.zip", "fxp://files.example/x.zip")]
    [InlineData("get hxxp[:]//evil.example/ now", ObservableKind.Url, "http://evil.example/", "hxxp[:]//evil.example/")]
    [InlineData("get hxxps[://]evil[.]example now", ObservableKind.Url, "https://evil.example/", "hxxps[://]evil[.]example")]
    [InlineData("get https[:]//evil.example/p?q=1#f now", ObservableKind.Url, "https://evil.example/p?q=1#f", "https[:]//evil.example/p?q=1#f")]
    [InlineData("mail user[@]example[.]com now", ObservableKind.Email, "user@example.com", "user[@]example[.]com")]
    [InlineData("mail user[at]example.com now", ObservableKind.Email, "user@example.com", "user[at]example.com")]
    [InlineData("mail user(AT)example(.)com now", ObservableKind.Email, "user@example.com", "user(AT)example(.)com")]
    [InlineData("mailto:Jane.Doe+abuse@Example.COM.", ObservableKind.Email, "Jane.Doe+abuse@example.com", "Jane.Doe+abuse@Example.COM")]
    [InlineData("spf=pass smtp.mailfrom=bounce-42@mailer.example;", ObservableKind.Email, "bounce-42@mailer.example", "bounce-42@mailer.example")]
    [InlineData("dkim=pass; envelope-from=monitor@example.org;", ObservableKind.Email, "monitor@example.org", "monitor@example.org")]
    // a message id is not an e-mail address, its domain is still a domain
    [InlineData("Message-ID: <20150516000313.1E9233CC@mail.example.com>", ObservableKind.Domain, "mail.example.com", "mail.example.com")]
    [InlineData("In-Reply-To:\t<abc-123@mx.example.org>", ObservableKind.Domain, "mx.example.org", "mx.example.org")]
    // URLs end before trailing punctuation and unopened brackets
    [InlineData("(see https://evil.example/path).", ObservableKind.Url, "https://evil.example/path", "https://evil.example/path")]
    [InlineData("at https://evil.example/a, then", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at https://evil.example/a; then", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at <https://evil.example/a>", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at 'https://evil.example/a'", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at \"https://evil.example/a\"", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at [https://evil.example/a]", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("at «https://evil.example/a»", ObservableKind.Url, "https://evil.example/a", "https://evil.example/a")]
    [InlineData("read https://en.wikipedia.org/wiki/Foo_(bar) now", ObservableKind.Url, "https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("[link](https://evil.example/x?a=b&c=d)", ObservableKind.Url, "https://evil.example/x?a=b&c=d", "https://evil.example/x?a=b&c=d")]
    [InlineData("go https://evil.example:443/x!", ObservableKind.Url, "https://evil.example/x", "https://evil.example:443/x")]
    [InlineData("go https://user@evil.example/?r=http://other.example/", ObservableKind.Url, "https://user@evil.example/?r=http://other.example/", "https://user@evil.example/?r=http://other.example/")]
    // IPv6
    [InlineData("from 2001:db8::1 today", ObservableKind.IPv6, "2001:db8::1", "2001:db8::1")]
    [InlineData("from 2001:0DB8:0000:0000:0000:0000:0000:0001.", ObservableKind.IPv6, "2001:db8::1", "2001:0DB8:0000:0000:0000:0000:0000:0001")]
    [InlineData("from fe80::1%eth0", ObservableKind.IPv6, "fe80::1", "fe80::1")]
    [InlineData("loopback ::1 only", ObservableKind.IPv6, "::1", "::1")]
    [InlineData("Address:2001:db8::5, port 22", ObservableKind.IPv6, "2001:db8::5", "2001:db8::5")]
    [InlineData("[2001:db8::1]:443", ObservableKind.IPv6, "2001:db8::1", "2001:db8::1")]
    [InlineData("nat64 64:ff9b::192.0.2.33 seen", ObservableKind.IPv6, "64:ff9b::c000:221", "64:ff9b::192.0.2.33")]
    [InlineData("mapped ::ffff:192.0.2.1 seen", ObservableKind.IPv4, "192.0.2.1", "::ffff:192.0.2.1")]
    [InlineData("defanged 2001:db8[:]:7 seen", ObservableKind.IPv6, "2001:db8::7", "2001:db8[:]:7")]
    // CIDR blocks win over their address; host bits set yields the address
    [InlineData("block 198.51.100.0/24.", ObservableKind.Cidr, "198.51.100.0/24", "198.51.100.0/24")]
    [InlineData("block 10[.]0.0.0/8 here", ObservableKind.Cidr, "10.0.0.0/8", "10[.]0.0.0/8")]
    [InlineData("block 2001:DB8::/32 here", ObservableKind.Cidr, "2001:db8::/32", "2001:DB8::/32")]
    [InlineData("iface 192.0.2.5/24 here", ObservableKind.IPv4, "192.0.2.5", "192.0.2.5")]
    [InlineData("bad 192.0.2.5/33 here", ObservableKind.IPv4, "192.0.2.5", "192.0.2.5")]
    [InlineData("date 192.0.2.5/2024 here", ObservableKind.IPv4, "192.0.2.5", "192.0.2.5")]
    // IPv4 in context: port, range, dotted quad that is a "version"
    [InlineData("conn 192.0.2.7:8080 refused", ObservableKind.IPv4, "192.0.2.7", "192.0.2.7")]
    [InlineData("ip=8.8.8.8&x", ObservableKind.IPv4, "8.8.8.8", "8.8.8.8")]
    [InlineData("version 1.2.3.4 is an address", ObservableKind.IPv4, "1.2.3.4", "1.2.3.4")]
    // URL, e-mail win over what is inside them
    [InlineData("see http://192.0.2.1:8080/x.php", ObservableKind.Url, "http://192.0.2.1:8080/x.php", "http://192.0.2.1:8080/x.php")]
    [InlineData("see http://[2001:db8::1]/a", ObservableKind.Url, "http://[2001:db8::1]/a", "http://[2001:db8::1]/a")]
    [InlineData("to john.doe@example.com!", ObservableKind.Email, "john.doe@example.com", "john.doe@example.com")]
    [InlineData("q https://x.example/?u=a@b.example", ObservableKind.Url, "https://x.example/?u=a@b.example", "https://x.example/?u=a@b.example")]
    // hashes, by length, any case
    [InlineData("md5 d41d8cd98f00b204e9800998ecf8427e.", ObservableKind.Md5, "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("md5=D41D8CD98F00B204E9800998ECF8427E", ObservableKind.Md5, "d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E")]
    [InlineData("sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709", ObservableKind.Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("(e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)", ObservableKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha512 cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", ObservableKind.Sha512, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    [InlineData("file d41d8cd98f00b204e9800998ecf8427e.exe", ObservableKind.Md5, "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e")]
    // CVE ids, any case
    [InlineData("Log4Shell (cve-2021-44228), patch", ObservableKind.Cve, "CVE-2021-44228", "cve-2021-44228")]
    [InlineData("CVE-2024-1234567.", ObservableKind.Cve, "CVE-2024-1234567", "CVE-2024-1234567")]
    // internationalised and "real TLD that looks like an extension" names
    [InlineData("site bücher.example ok", ObservableKind.Domain, "xn--bcher-kva.example", "bücher.example")]
    [InlineData("site mec.gov.py ok", ObservableKind.Domain, "mec.gov.py", "mec.gov.py")]
    [InlineData("site https://evil.zip/ ok", ObservableKind.Url, "https://evil.zip/", "https://evil.zip/")]
    [InlineData("dns _dmarc.example.com TXT", ObservableKind.Domain, "_dmarc.example.com", "_dmarc.example.com")]
    [InlineData("ptr 4.3.2.1.in-addr.arpa", ObservableKind.Domain, "4.3.2.1.in-addr.arpa", "4.3.2.1.in-addr.arpa")]
    [InlineData("see CVE-2021-44228.example", ObservableKind.Domain, "cve-2021-44228.example", "CVE-2021-44228.example")]
    public void Extracts_one_observable_with_its_written_span(string text, ObservableKind kind, string value, string written) =>
        AssertSingle(text, kind, value, written);

    [Theory]
    [InlineData("invoice.pdf")]
    [InlineData("Open the attached invoice.pdf, report.docx and setup.exe, then run install.sh or main.py.")]
    [InlineData("README.md, data.json, app.js, index.html, photo.jpg, image.png, anim.gif, export.csv, syslog.log, pom.xml, lib.dll, archive.zip, notes.txt, budget.xls, old.doc, page.php")]
    [InlineData("icon@2x.png")]
    [InlineData("version 1.2.3")]
    [InlineData("example")]
    [InlineData("at 12:34:56 and 12:34:56.789 on 2026-01-15T10:20:30Z")]
    [InlineData("color: #ffffff; background: #FFF")]
    [InlineData("SGVsbG8gV29ybGQhIFRoaXMgaXMgYSBiYXNlNjQgYmxvYiB3aXRoIHNvbWUgdGV4dCBhbmQgbW9yZSB0ZXh0IHRvIG1ha2UgaXQgbG9uZw==")]
    [InlineData("dGhpcyBpcyBkNDFkOGNkOThmMDBiMjA0ZTk4MDA5OThlY2Y4NDI3ZSBpbiBiYXNlNjQ=")]
    [InlineData("OID 1.3.6.1.4.1.311 and 1.2.3.4.5")]
    [InlineData("v1.2.3.4 build")]
    [InlineData("leading zero 010.0.0.1, out of range 999.1.1.1 and 256.0.0.1")]
    [InlineData("std::vector, a::b, dead::beef, ::, Foo::Bar")]
    [InlineData("mac 00:1a:2b:3c:4d:5e")]
    [InlineData("e.g. this, i.e. that, etc. and Mr. Smith; pi is 3.14 and 1.5.")]
    [InlineData("ratio 2:1 and 10:30")]
    [InlineData("hash too short d41d8cd98f00b204e9800998ecf842, too long d41d8cd98f00b204e9800998ecf8427e0")]
    [InlineData("0xd41d8cd98f00b204e9800998ecf8427e and prefix_d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("12345678901234567890123456789012 is a number, abcdefabcdefabcdefabcdefabcdefab is filler")]
    [InlineData("CVE-2021-123 and CVE-21-12345 and XCVE-2021-44228")]
    [InlineData("http:// and https:/// and hxxp://")]
    [InlineData("user@localhost and @handle and a@b")]
    [InlineData("dkim=pass header.d=1 header.i=2 policy.dmarc=none")]
    [InlineData("")]
    public void Finds_nothing_in_text_that_only_looks_like_indicators(string text) =>
        Assert.Empty(Extract(text));

    [Fact]
    public void Orders_by_position_and_keeps_duplicates_with_their_own_span()
    {
        const string text = "Seen 192.0.2.1 (again 192.0.2.1) at hxxps://evil[.]example/x from abuse@evil.example, CVE-2021-44228.";
        var found = ObservableExtractor.Extract(text);
        Assert.Equal(
            [
                (ObservableKind.IPv4, "192.0.2.1", 5),
                (ObservableKind.IPv4, "192.0.2.1", 22),
                (ObservableKind.Url, "https://evil.example/x", 36),
                (ObservableKind.Email, "abuse@evil.example", 66),
                (ObservableKind.Cve, "CVE-2021-44228", 86),
            ],
            found.Select(f => (f.Observable.Kind, f.Observable.Value, f.Start)));
        Assert.Equal("hxxps://evil[.]example/x", text.Substring(found[2].Start, found[2].Length));
    }

    [Theory]
    [InlineData("host 10.0.0.1", true)]
    [InlineData("host 192.168.1.20", true)]
    [InlineData("host 203.0.113.9", true)] // documentation range (RFC 5737)
    [InlineData("host 8.8.8.8", false)]
    [InlineData("block 10.0.0.0/8", true)]
    [InlineData("block 8.8.8.0/24", false)]
    [InlineData("host fd00::1", true)]
    [InlineData("host 2a00:1450::1", false)]
    [InlineData("url http://10.0.0.5/admin", true)]
    [InlineData("url http://user@10.0.0.5:8080/admin", true)]
    [InlineData("url http://[fd00::1]:80/", true)]
    [InlineData("url http://8.8.8.8/", false)]
    [InlineData("url http://example.com/", false)]
    [InlineData("host example.com", false)]
    public void Flags_private_and_reserved_addresses(string text, bool expected) =>
        Assert.Equal(expected, Assert.Single(ObservableExtractor.Extract(text)).IsPrivateOrReserved);

    [Fact]
    public void Stops_at_max_results_keeping_the_first_by_position()
    {
        var found = ObservableExtractor.Extract("example.org 1.1.1.1 2.2.2.2 http://a.example/ 3.3.3.3", maxResults: 3);
        Assert.Equal(["example.org", "1.1.1.1", "2.2.2.2"], found.Select(f => f.Observable.Value));
        Assert.Empty(ObservableExtractor.Extract("1.1.1.1", maxResults: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ObservableExtractor.Extract("1.1.1.1", maxResults: -1));
        Assert.Throws<ArgumentNullException>(() => ObservableExtractor.Extract(null!));
    }

    [Fact]
    public void Scans_only_the_first_MaxTextLength_characters()
    {
        var text = "1.1.1.1 " + new string(' ', ObservableExtractor.MaxTextLength) + " 2.2.2.2";
        Assert.Equal(["1.1.1.1"], ObservableExtractor.Extract(text).Select(f => f.Observable.Value));
    }

    [Fact]
    public void File_extension_list_holds_the_documented_extensions()
    {
        string[] documented = ["exe", "dll", "zip", "txt", "pdf", "doc", "docx", "xls", "js", "php", "html", "png", "jpg", "gif", "csv", "log", "json", "xml", "py", "sh"];
        Assert.All(documented, e => Assert.Contains(e, ObservableExtractor.FileExtensionLabels));
        Assert.DoesNotContain("com", ObservableExtractor.FileExtensionLabels);
        Assert.DoesNotContain("fr", ObservableExtractor.FileExtensionLabels);
        Assert.DoesNotContain("pl", ObservableExtractor.FileExtensionLabels);
    }

    // Property (a): observables generated in every supported spelling, embedded in filler text with
    // surrounding punctuation, are each found with exactly their span and their normal form, and nothing else is.

    private sealed record Planted(string Written, ObservableValue Expected);

    private static readonly Gen<string> Dot = Gen.OneOf(Gen.Const("."), Gen.Const("."), Gen.OneOf("[.]", "(.)", "{.}", "[dot]", "(DOT)", "{Dot}", @"\."));

    private static string Defang(string text, string[] dots) =>
        string.Concat(text.Split('.').Select((part, i) => i == 0 ? part : dots[(i - 1) % dots.Length] + part));

    private static ObservableValue Normal(string text, ObservableKind kind)
    {
        Assert.True(ObservableValue.TryNormalize(text, kind, out var value, out var error), error);
        return value;
    }

    private static readonly Gen<IPAddress> V4 = Gen.UInt.Select(n => new IPAddress(BitConverter.GetBytes(n)));

    private static readonly Gen<IPAddress> V6 = Gen.Byte.Array[16].Select(b => new IPAddress(b))
        .Where(a => a.ToString().AsSpan().IndexOfAnyInRange('0', '9') >= 0);

    private static readonly Gen<string> LabelGen =
        Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyz"], Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[0, 8], Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"],
            (first, middle, last) => first + new string(middle) + last);

    private static readonly Gen<string> DomainGen =
        Gen.Select(LabelGen.Array[1, 3], Gen.OneOf("com", "org", "fr", "example", "info", "museum", "Com", "EU"),
            (labels, tld) => string.Join('.', labels) + "." + tld);

    private static readonly Gen<Planted> PlantedIPv4 =
        Gen.Select(V4, Dot.Array[3], (ip, dots) => new Planted(Defang(ip.ToString(), dots), Normal(ip.ToString(), ObservableKind.IPv4)));

    private static readonly Gen<Planted> PlantedIPv6 =
        Gen.Select(V6, Gen.Bool, V4, (ip, nat64, v4) =>
        {
            var text = nat64 ? "64:ff9b::" + v4 : ip.ToString();
            return new Planted(text, Normal(text, ObservableKind.IPv6));
        });

    private static readonly Gen<Planted> PlantedCidr =
        Gen.OneOf(
            Gen.Select(V4, Gen.Int[0, 32], Dot.Array[3], (ip, length, dots) =>
            {
                var text = new IPNetwork(Mask(ip, length), length).ToString();
                return new Planted(Defang(text, dots), Normal(text, ObservableKind.Cidr));
            }),
            Gen.Select(V6, Gen.Int[16, 128], (ip, length) =>
            {
                var text = new IPNetwork(Mask(ip, length), length).ToString();
                return new Planted(text, Normal(text, ObservableKind.Cidr));
            }).Where(p => p.Written.AsSpan(0, p.Written.IndexOf('/')).IndexOfAnyInRange('0', '9') >= 0));

    private static IPAddress Mask(IPAddress ip, int length)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var kept = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - kept));
        }

        return new IPAddress(bytes);
    }

    private static readonly Gen<Planted> PlantedDomain =
        Gen.Select(DomainGen, Dot.Array[4], (domain, dots) => new Planted(Defang(domain, dots), Normal(domain, ObservableKind.Domain)));

    private static readonly Gen<Planted> PlantedUrl =
        Gen.Select(Gen.OneOf(("http://", "http://"), ("https://", "https://"), ("ftp://", "ftp://"), ("hxxp://", "http://"), ("hXXps://", "https://"),
                ("fxp://", "ftp://"), ("http[:]//", "http://"), ("hxxps[://]", "https://")),
            DomainGen, Dot.Array[4], Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/~"].Array[0, 15], Gen.Bool,
            (scheme, host, dots, path, query) =>
            {
                var tail = "/" + new string(path) + (query ? "?id=42&x=y" : "");
                return new Planted(scheme.Item1 + Defang(host, dots) + tail, Normal(scheme.Item2 + host + tail, ObservableKind.Url));
            });

    private static readonly Gen<Planted> PlantedEmail =
        Gen.Select(LabelGen, Gen.OneOf("", ".", "+", "_", "-"), LabelGen, Gen.OneOf("@", "[@]", "[at]", "(at)", "{AT}"), DomainGen, Dot.Array[4],
            (a, sep, b, at, domain, dots) =>
            {
                var local = a + (sep.Length == 0 ? "" : sep + b);
                return new Planted(local + at + Defang(domain, dots), Normal(local + "@" + domain, ObservableKind.Email));
            });

    private static readonly Gen<Planted> PlantedHash =
        Gen.Select(Gen.OneOf(Gen.Const(16), Gen.Const(20), Gen.Const(32), Gen.Const(64)), Gen.Bool, Gen.Byte.Array[128], (length, upper, bytes) =>
            {
                var hex = Convert.ToHexStringLower(bytes, 0, length);
                var kind = length switch { 16 => ObservableKind.Md5, 20 => ObservableKind.Sha1, 32 => ObservableKind.Sha256, _ => ObservableKind.Sha512 };
                return new Planted(upper ? hex.ToUpperInvariant() : hex, new ObservableValue(kind, hex));
            })
        .Where(p => p.Written.AsSpan().IndexOfAnyInRange('0', '9') >= 0 && p.Written.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0);

    private static readonly Gen<Planted> PlantedCve =
        Gen.Select(Gen.OneOf("CVE-", "cve-", "Cve-"), Gen.Int[1999, 2030], Gen.Int[1, 9_999_999], (prefix, year, number) =>
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{prefix}{year}-{number:D4}");
            return new Planted(text, Normal(text, ObservableKind.Cve));
        });

    private static readonly Gen<Planted> AnyPlanted =
        Gen.OneOf(PlantedIPv4, PlantedIPv6, PlantedCidr, PlantedDomain, PlantedUrl, PlantedEmail, PlantedHash, PlantedCve);

    private static readonly Gen<string> Filler = Gen.OneOf(
        "the", "report", "from", "host", "le", "serveur", "a", "été", "compromis", "voir", "ci-dessous", "42", "2026",
        "déjà", "scan", "port", "IP:", "Hello!", "—", "«", "»", "note:", "merci", "12:30", "v2", "x", "(sic)", "[1]");

    private static readonly Gen<(string Before, string After)> Surround =
        Gen.OneOf((" ", " "), ("\n", ". "), ("\t", ", "), (" (", ") "), (" <", "> "), (" \"", "\" "), (" ", ";\n"), ("\u00A0", "\u00A0"));

    [Fact]
    public void Finds_each_planted_observable_with_its_span() =>
        Gen.Select(Gen.Select(Filler.Array[0, 3], AnyPlanted, Surround).Array[1, 8], Filler.Array[0, 3]).Sample((items, tail) =>
        {
            var text = new StringBuilder();
            var expected = new List<(ObservableValue, int, int)>();
            foreach (var (filler, planted, (before, after)) in items)
            {
                text.AppendJoin(' ', filler).Append(before);
                expected.Add((planted.Expected, text.Length, planted.Written.Length));
                text.Append(planted.Written).Append(after);
            }

            text.AppendJoin(' ', tail);
            var found = ObservableExtractor.Extract(text.ToString());
            Assert.Equal(expected, found.Select(f => (f.Observable, f.Start, f.Length)));
        }, iter: 2000);

    // Property (b): whatever the input (NUL, lone surrogates, fragments of indicators glued together), Extract
    // does not throw, spans lie inside the text, are ordered and disjoint, and each value is a normal form.

    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.Char.Array[0, 4].Select(c => new string(c)),
        Gen.Char["\0\uD800\uDC00\uDBFF\uDFFF.:/@[](){}\\-_%#?=&'\" \n\t0123456789abcdefxXhtpsCVE"].Array[0, 6].Select(c => new string(c)),
        Gen.OneOf("http://", "hxxps[://]", "fxp://", "[.]", "(dot)", "[at]", "@", "::", "::ffff:", "1.2.3.4", "/24", "/128", "2001:db8",
            "CVE-2021-", "44228", "d41d8cd98f00b204e9800998ecf8427e", "example", ".com", ".pdf", "ü", "xn--", "..", "\uD83D\uDE00", "0x"));

    [Fact]
    public void Never_throws_and_returns_disjoint_ordered_spans_for_any_text() =>
        Fragment.Array[0, 40].Select(string.Concat).Sample(text =>
        {
            var found = ObservableExtractor.Extract(text);
            var previousEnd = 0;
            foreach (var f in found)
            {
                Assert.True(f.Start >= previousEnd && f.Length > 0 && f.Start + f.Length <= text.Length, $"bad span {f.Start}+{f.Length} in {text.Length}");
                previousEnd = f.Start + f.Length;
                Assert.True(ObservableValue.TryNormalize(f.Observable.Value, f.Observable.Kind, out var again, out var error), error);
                Assert.Equal(f.Observable, again);
            }
        }, iter: 5000);

    [Fact]
    public void Never_throws_on_arbitrary_strings() =>
        Gen.String.Sample(text =>
        {
            var found = ObservableExtractor.Extract(text);
            Assert.All(found, f => Assert.True(f.Start >= 0 && f.Length > 0 && f.Start + f.Length <= text.Length));
        }, iter: 2000);
}
