using CsCheck;
using Vigie.Core.Lookup;

namespace Vigie.Core.Tests.Lookup;

public class DomainSuffixIndexTests
{
    private static readonly DomainSuffixIndex Sample = DomainSuffixIndex.Build(
    [
        ("example.com", 1),
        ("sub.example.com", 2),
        ("bücher.de", 3),
        ("gouv.fr", 4),
    ]);

    [Theory]
    [InlineData("example.com", 1, "example.com")]
    [InlineData("a.b.example.com", 1, "example.com")]
    [InlineData("sub.example.com", 2, "sub.example.com")]
    [InlineData("x.y.sub.example.com", 2, "sub.example.com")]
    [InlineData("notsub.example.com", 1, "example.com")]
    [InlineData("WWW.Example.COM.", 1, "example.com")]
    [InlineData("www[.]example[.]com", 1, "example.com")]
    [InlineData("ftp.BÜCHER.de", 3, "xn--bcher-kva.de")]
    [InlineData("ftp.xn--bcher-kva.de", 3, "xn--bcher-kva.de")]
    [InlineData("service-public.gouv.fr", 4, "gouv.fr")]
    public void Finds_the_longest_listed_parent(string host, int value, string matched)
    {
        Assert.True(Sample.TryLookup(host, out var found, out var matchedDomain));
        Assert.Equal((value, matched), (found, matchedDomain));
    }

    [Theory]
    [InlineData("badexample.com")]       // suffix, but not on a label boundary
    [InlineData("example.com.evil.net")]
    [InlineData("com")]
    [InlineData("xample.com")]
    [InlineData("fr")]
    [InlineData("*.example.com")]        // not a valid host: no match rather than an exception
    [InlineData("")]
    public void Misses(string host)
    {
        Assert.False(Sample.TryLookup(host, out var value, out var matched));
        Assert.Equal((0, ""), (value, matched));
    }

    [Fact]
    public void Build_names_the_bad_domain()
    {
        var error = Assert.Throws<ArgumentException>(() => DomainSuffixIndex.Build([("good.example", 1), ("foo..com", 2)]));
        Assert.StartsWith("'foo..com' is not a usable domain: 'foo..com' has an empty label", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicates_after_normalisation_last_one_wins()
    {
        var index = DomainSuffixIndex.Build([("Example.com", 1), ("example.com.", 2), ("example[.]org", 3)]);

        Assert.Equal(2, index.Count);
        Assert.True(index.TryLookup("www.example.com", out var value, out _));
        Assert.Equal(2, value);
    }

    // Few, short labels so that suffixes collide often, on label boundaries and off them ("ab.c" vs "b.c").
    private static readonly Gen<string> Name =
        Gen.Int[0, 5].Select(i => new[] { "a", "b", "ab", "ba", "c", "xn--bcher-kva" }[i]).Array[1, 4].Select(labels => string.Join('.', labels));

    [Fact]
    public void Agrees_with_brute_force() =>
        Gen.Select(Name.Array[0, 12], Name.Array[1, 20]).Sample((domains, hosts) =>
        {
            var entries = domains.Select((d, i) => (d, i)).ToArray();
            var index = DomainSuffixIndex.Build(entries);
            Assert.Equal(domains.Distinct().Count(), index.Count);
            foreach (var host in hosts.Concat(domains))
            {
                var expected = entries
                    .Where(e => host == e.d || host.EndsWith("." + e.d, StringComparison.Ordinal))
                    .OrderBy(e => e.d.Length).ThenBy(e => e.i)
                    .Select(e => (Found: true, Value: e.i, Matched: e.d))
                    .LastOrDefault((false, 0, ""));
                var found = index.TryLookup(host.ToUpperInvariant() + ".", out var value, out var matched);
                Assert.Equal(expected, (found, value, matched));
            }
        }, iter: 300);
}
