using CsCheck;
using Vigie.Core.Lookup;
using Vigie.Core.Observables;

namespace Vigie.Core.Tests.Lookup;

/// <summary>
/// A constituent's domain scope (DomainName) and a domain observable (ObservableValue) are
/// normalised by two functions with different error messages; for correlation and lookup to work
/// they must agree on every name both accept. This pins that contract.
/// </summary>
public class DomainAgreementTests
{
    private static readonly Gen<string> Label = Gen.OneOf(
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"].Array[1, 12].Select(c => new string(c)),
        Gen.OneOf<string>("bücher", "ÉCOLE", "例え", "xn--bcher-kva", "a-b", "münchen", "ΔΙΚΤΥΟ"));

    private static readonly Gen<string> Domain =
        Gen.Select(Label.Array[1, 4], Gen.OneOf<string>("example", "COM", "fr", "テスト", "xn--zckzah"), Gen.Bool,
            (labels, tld, rooted) => string.Join('.', labels) + "." + tld + (rooted ? "." : ""));

    [Fact]
    public void Scope_and_observable_normalise_a_domain_to_the_same_string() =>
        Domain.Sample(text =>
        {
            var scopeOk = DomainName.TryNormalize(text, out var scope, out var scopeError);
            var observableOk = ObservableValue.TryNormalize(text, ObservableKind.Domain, out var observable, out var observableError);
            Assert.True(scopeOk, $"{text}: {scopeError}");
            Assert.True(observableOk, $"{text}: {observableError}");
            Assert.Equal(scope, observable.Value);
        });

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("example[.]com", "example.com")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("例え。テスト", "xn--r8jz45g.xn--zckzah")]
    [InlineData("_dmarc.Example.com", "_dmarc.example.com")]
    public void Known_forms_agree(string text, string expected)
    {
        Assert.True(DomainName.TryNormalize(text, out var scope, out _));
        Assert.True(ObservableValue.TryNormalize(text, ObservableKind.Domain, out var observable, out _));
        Assert.Equal(expected, scope);
        Assert.Equal(expected, observable.Value);
    }
}
