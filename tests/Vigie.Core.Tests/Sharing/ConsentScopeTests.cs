using Vigie.Core.Sharing;

namespace Vigie.Core.Tests.Sharing;

public sealed class ConsentScopeTests
{
    [Theory]
    [InlineData(ConsentScopeKind.Address, " Abuse@ISP.example ", "abuse@isp.example")]
    [InlineData(ConsentScopeKind.Domain, "ISP.Example.", "isp.example")]
    [InlineData(ConsentScopeKind.Domain, "@isp.example", "isp.example")]
    public void Values_are_normalised(ConsentScopeKind kind, string input, string expected)
    {
        var r = ConsentScope.Normalize(kind, input);
        Assert.True(r.IsSuccess, r.Error?.Message);
        Assert.Equal(expected, r.Value);
    }

    [Theory]
    [InlineData(ConsentScopeKind.Address, "isp.example")]
    [InlineData(ConsentScopeKind.Address, "")]
    [InlineData(ConsentScopeKind.Domain, "not a domain")]
    [InlineData(ConsentScopeKind.Domain, null)]
    public void Bad_values_are_field_errors(ConsentScopeKind kind, string? input)
    {
        var r = ConsentScope.Normalize(kind, input);
        Assert.False(r.IsSuccess);
        Assert.Equal("value", Assert.Single(r.Error!.Fields!).Key);
    }

    [Theory]
    [InlineData(ConsentScopeKind.Address, "abuse@isp.example", "abuse@isp.example", true)]
    [InlineData(ConsentScopeKind.Address, "abuse@isp.example", "ABUSE@isp.example", true)]
    [InlineData(ConsentScopeKind.Address, "abuse@isp.example", "noc@isp.example", false)]
    [InlineData(ConsentScopeKind.Domain, "isp.example", "noc@isp.example", true)]
    [InlineData(ConsentScopeKind.Domain, "isp.example", "noc@mail.isp.example", true)]
    [InlineData(ConsentScopeKind.Domain, "isp.example", "noc@evilisp.example", false)]
    [InlineData(ConsentScopeKind.Domain, "isp.example", "noc@isp.example.evil", false)]
    [InlineData(ConsentScopeKind.Domain, "isp.example", "garbage", false)]
    public void Coverage(ConsentScopeKind kind, string value, string recipient, bool covered) =>
        Assert.Equal(covered, ConsentScope.Covers(kind, value, recipient));
}
