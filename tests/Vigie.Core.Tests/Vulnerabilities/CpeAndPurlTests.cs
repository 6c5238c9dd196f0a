using Vigie.Core.Vulnerabilities.Matching;

namespace Vigie.Core.Tests.Vulnerabilities;

public sealed class CpeAndPurlTests
{
    [Fact]
    public void Parses_a_formatted_string_with_escapes()
    {
        Assert.True(CpeName.TryParse(@"cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_19:*:*:*:*:*:*", out var cpe));
        Assert.Equal(("a", "microsoft", "exchange_server", "2016", "cumulative_update_19"), (cpe.Part, cpe.Vendor, cpe.Product, cpe.Version, cpe.Update));
        Assert.Equal(CpeName.Any, cpe.Edition);

        Assert.True(CpeName.TryParse(@"cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*", out var hp));
        Assert.Equal(CpeName.NotApplicable, hp.Update);
        Assert.Equal("win2003", hp.TargetSw);

        Assert.True(CpeName.TryParse(@"cpe:2.3:a:foo\:bar:big\$money:1.0:*:*:*:*:*:*:*", out var escaped));
        Assert.Equal("foo:bar", escaped.Vendor);
        Assert.Equal("big$money", escaped.Product);
        Assert.Equal(@"cpe:2.3:a:foo\:bar:big\$money:1.0:*:*:*:*:*:*:*", escaped.ToString());
    }

    [Fact]
    public void Reads_a_2_2_uri_as_the_same_name()
    {
        Assert.True(CpeName.TryParse("cpe:/o:redhat:enterprise_linux:9::baseos", out var uri));
        Assert.Equal(("o", "redhat", "enterprise_linux", "9", CpeName.Any, "baseos"), (uri.Part, uri.Vendor, uri.Product, uri.Version, uri.Update, uri.Edition));
        Assert.True(CpeName.TryParse("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~", out var packed));
        Assert.Equal(("online", "win2003", "x64"), (packed.SwEdition, packed.TargetSw, packed.TargetHw));
        Assert.True(CpeName.TryParse("cpe:/a:apache:http_server:2.4.55", out var a));
        Assert.True(CpeName.TryParse("cpe:2.3:a:apache:http_server:2.4.55:*:*:*:*:*:*:*", out var b));
        Assert.Equal(b, a);
    }

    [Theory]
    [InlineData("cpe:2.3:a:apache")]
    [InlineData("cpe:2.3:x:apache:http_server:*:*:*:*:*:*:*:*")]
    [InlineData("not a cpe")]
    [InlineData("cpe:/z:vendor:product")]
    [InlineData("cpe:/a:%zz:product")]
    public void Refuses_what_is_not_a_cpe(string text) => Assert.False(CpeName.TryParse(text, out _));

    [Fact]
    public void A_wildcard_vendor_or_product_never_identifies_a_product()
    {
        CpeName.TryParse("cpe:2.3:a:apache:http_server:2.4.55:*:*:*:*:*:*:*", out var target);
        CpeName.TryParse("cpe:2.3:a:*:http_server:*:*:*:*:*:*:*:*", out var anyVendor);
        CpeName.TryParse("cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*", out var anyProduct);
        CpeName.TryParse("cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*", out var source);
        Assert.False(anyVendor.SameProductAs(target));
        Assert.False(anyProduct.SameProductAs(target));
        Assert.True(source.SameProductAs(target));
        CpeName.TryParse("cpe:2.3:o:apache:http_server:*:*:*:*:*:*:*:*", out var otherPart);
        Assert.False(otherPart.SameProductAs(target));
        CpeName.TryParse("cpe:2.3:a:apache:http_server:*:*:*:*:*:*:arm64:*", out var arm);
        CpeName.TryParse("cpe:2.3:a:apache:http_server:2.4.55:*:*:*:*:*:x64:*", out var x64);
        Assert.False(arm.SameProductAs(x64));
        Assert.True(arm.SameProductAs(target)); // the target says any hardware
    }

    [Theory]
    [InlineData("pkg:pypi/Django_Rest@3.1", "pypi", null, "django-rest", "3.1")]
    [InlineData("pkg:npm/%40angular/core@17.0.1", "npm", "@angular", "core", "17.0.1")]
    [InlineData("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", "maven", "org.apache.logging.log4j", "log4j-core", "2.14.1")]
    [InlineData("pkg:golang/github.com/Foo/bar@v1.2.3#sub/dir", "golang", "github.com/foo", "bar", "v1.2.3")]
    [InlineData("pkg:deb/debian/openssh-server", "deb", "debian", "openssh-server", null)]
    public void Parses_package_urls(string text, string type, string? ns, string name, string? version)
    {
        Assert.True(PackageUrl.TryParse(text, out var purl));
        Assert.Equal(new PackageUrl(type, ns, name, version), purl);
    }

    [Theory]
    [InlineData("pkg:onlytype")]
    [InlineData("http://example.com/x")]
    [InlineData("pkg:ty pe/name")]
    public void Refuses_what_is_not_a_purl(string text) => Assert.False(PackageUrl.TryParse(text, out _));
}
