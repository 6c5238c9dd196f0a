using CsCheck;
using Vigie.Core.Vulnerabilities.Matching;

namespace Vigie.Core.Tests.Vulnerabilities;

public sealed class VersionComparerTests
{
    [Theory]
    [InlineData("2.4.55", "2.4.56", null)]
    [InlineData("8.5p1", "9.7p1", "custom")]
    [InlineData("9.7p1", "9.8p1", "custom")]
    [InlineData("8.5", "8.5p1", "custom")]
    [InlineData("2.0-beta9", "2.0-rc1", "custom")]
    [InlineData("2.0-rc1", "2.0", "custom")]
    [InlineData("2.0", "2.0.1", "custom")]
    [InlineData("7.2.9", "7.2.10", "custom")]
    [InlineData("2.12.1", "2.12.2", "custom")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", "semver")]
    [InlineData("1.0.0-alpha.1", "1.0.0-beta", "semver")]
    [InlineData("1.0.0-beta.11", "1.0.0-rc.1", "semver")]
    [InlineData("1.0.0-rc.1", "1.0.0", "semver")]
    [InlineData("7.2.6", "7.2.7", "semver")]
    [InlineData("0:8.7p1-34.el9", "0:8.7p1-38.el9_4.1", "rpm")]
    [InlineData("0:9.9", "1:1.0", "rpm")]
    [InlineData("1.0~rc1", "1.0", "rpm")]
    [InlineData("1.0", "1.0^git1", "rpm")]
    [InlineData("1.0a", "1.0.1", "rpm")]
    public void Orders_versions_as_their_scheme_does(string lower, string higher, string? type)
    {
        Assert.Equal(-1, Math.Sign(VersionComparer.Compare(lower, higher, type)!.Value));
        Assert.Equal(1, Math.Sign(VersionComparer.Compare(higher, lower, type)!.Value));
    }

    [Theory]
    [InlineData("v1.2", "1.2.0", "semver")]
    [InlineData("1.2.0+build.5", "1.2.0", "semver")]
    [InlineData("2.4.055", "2.4.55", null)]
    [InlineData("8.7p1", "8.7p1-38.el9", "rpm")] // no release on one side: every release of that version
    public void Treats_spellings_of_one_version_as_equal(string a, string b, string? type) =>
        Assert.Equal(0, VersionComparer.Compare(a, b, type));

    [Theory]
    [InlineData("publication", "15.2.1118.40")]
    [InlineData("log4j-core*", "2.14.1")]
    [InlineData("", "1.0")]
    [InlineData("All versions", "1.0")]
    public void Placeholders_cannot_be_compared(string placeholder, string version)
    {
        Assert.Null(VersionComparer.Compare(placeholder, version, "custom"));
        Assert.Null(VersionComparer.Compare(version, placeholder, "custom"));
    }

    [Fact]
    public void Git_commits_only_compare_equal()
    {
        Assert.Equal(0, VersionComparer.Compare("63a07379fdb6c72450cb05294461c6016b8b7726", "63A07379FDB6C72450CB05294461C6016B8B7726", "git"));
        Assert.Null(VersionComparer.Compare("63a07379fdb6c72450cb05294461c6016b8b7726", "f587c1ac68956c4703857d650d9b1cd7bb2ac4d7", "git"));
    }

    private static readonly Gen<string> Version = Gen.OneOf(
        Gen.Int[0, 30].Array[1, 4].Select(a => string.Join('.', a)),
        Gen.Select(Gen.Int[0, 12].Array[1, 3], Gen.OneOf(Gen.Const("p1"), Gen.Const("-rc1"), Gen.Const("-beta2"), Gen.Const("a"), Gen.Const("-sp1"), Gen.Const("")),
            (a, s) => string.Join('.', a) + s));

    [Theory]
    [InlineData(null)]
    [InlineData("semver")]
    [InlineData("rpm")]
    public void Is_a_total_order(string? type) =>
        Gen.Select(Version, Version, Version).Sample((a, b, c) =>
        {
            var ab = Math.Sign(VersionComparer.Compare(a, b, type)!.Value);
            var ba = Math.Sign(VersionComparer.Compare(b, a, type)!.Value);
            var bc = Math.Sign(VersionComparer.Compare(b, c, type)!.Value);
            var ac = Math.Sign(VersionComparer.Compare(a, c, type)!.Value);
            // Antisymmetric, and transitive (a ≤ b ≤ c ⇒ a ≤ c).
            return ab == -ba && (ab > 0 || bc > 0 || ac <= 0);
        });
}
