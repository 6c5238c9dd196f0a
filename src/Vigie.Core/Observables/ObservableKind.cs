namespace Vigie.Core.Observables;

/// <summary>
/// What an <see cref="ObservableValue"/> denotes. The order of the members is not the detection
/// order; see <see cref="ObservableValue.TryNormalize"/> for that.
/// </summary>
public enum ObservableKind
{
    /// <summary>An IPv4 address in dotted-decimal form, e.g. <c>192.0.2.1</c>.</summary>
    IPv4,

    /// <summary>An IPv6 address in RFC 5952 canonical form, e.g. <c>2001:db8::1</c>.</summary>
    IPv6,

    /// <summary>An IPv4 or IPv6 network in CIDR notation (RFC 4632, RFC 4291 §2.3), e.g. <c>198.51.100.0/24</c>.</summary>
    Cidr,

    /// <summary>A domain or host name in lower-case ASCII (IDNs as punycode, RFC 5891), e.g. <c>example.com</c>.</summary>
    Domain,

    /// <summary>An absolute URL with a host (RFC 3986), e.g. <c>https://example.com/path</c>.</summary>
    Url,

    /// <summary>An e-mail address (RFC 5321 §4.1.2), e.g. <c>user@example.com</c>.</summary>
    Email,

    /// <summary>An MD5 digest: 32 lower-case hexadecimal digits.</summary>
    Md5,

    /// <summary>A SHA-1 digest: 40 lower-case hexadecimal digits.</summary>
    Sha1,

    /// <summary>A SHA-256 digest: 64 lower-case hexadecimal digits.</summary>
    Sha256,

    /// <summary>A SHA-512 digest: 128 lower-case hexadecimal digits.</summary>
    Sha512,

    /// <summary>A CVE identifier, e.g. <c>CVE-2021-44228</c>.</summary>
    Cve,

    /// <summary>An autonomous system number in "asplain" form (RFC 5396), e.g. <c>AS64496</c>.</summary>
    Asn,
}
