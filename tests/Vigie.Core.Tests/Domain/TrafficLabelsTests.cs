using Vigie.Core.Incidents;

namespace Vigie.Core.Tests.Domain;

public class TrafficLabelsTests
{
    [Theory]
    [InlineData("TLP:AMBER+STRICT", Tlp.AmberStrict)]
    [InlineData("amber+strict", Tlp.AmberStrict)]
    [InlineData("AMBER_STRICT", Tlp.AmberStrict)]
    [InlineData("amber-strict", Tlp.AmberStrict)]
    [InlineData("white", Tlp.Clear)]
    [InlineData("TLP:WHITE", Tlp.Clear)]
    [InlineData("clear", Tlp.Clear)]
    [InlineData("TLP:RED", Tlp.Red)]
    [InlineData("  tlp:green ", Tlp.Green)]
    [InlineData("Amber", Tlp.Amber)]
    public void Parses_tlp_labels(string text, Tlp expected)
    {
        Assert.True(TrafficLabels.TryParseTlp(text, out var tlp));
        Assert.Equal(expected, tlp);
    }

    [Theory]
    [InlineData("TLP:BLUE")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("TLP:")]
    [InlineData("PAP:RED")]
    [InlineData("TLP:TLP:RED")]
    [InlineData("amber strict")]
    [InlineData("2")]
    public void Rejects_unknown_tlp_labels(string? text)
    {
        Assert.False(TrafficLabels.TryParseTlp(text, out var tlp));
        Assert.Equal(default, tlp);
    }

    [Theory]
    [InlineData(Tlp.Clear, "TLP:CLEAR")]
    [InlineData(Tlp.Green, "TLP:GREEN")]
    [InlineData(Tlp.Amber, "TLP:AMBER")]
    [InlineData(Tlp.AmberStrict, "TLP:AMBER+STRICT")]
    [InlineData(Tlp.Red, "TLP:RED")]
    public void Prints_canonical_tlp_labels(Tlp tlp, string label) => Assert.Equal(label, tlp.ToLabel());

    [Fact]
    public void Every_tlp_round_trips_through_its_label_in_any_case()
    {
        Assert.Equal(5, Enum.GetValues<Tlp>().Length);
        foreach (var tlp in Enum.GetValues<Tlp>())
        {
            Assert.True(TrafficLabels.TryParseTlp(tlp.ToLabel(), out var back));
            Assert.Equal(tlp, back);
            Assert.True(TrafficLabels.TryParseTlp(tlp.ToLabel().ToLowerInvariant(), out back));
            Assert.Equal(tlp, back);
            Assert.Contains(tlp.ToLabel(), TrafficLabels.AllowedTlp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Tlp_is_ordered_from_least_to_most_restrictive()
    {
        Assert.Equal([Tlp.Clear, Tlp.Green, Tlp.Amber, Tlp.AmberStrict, Tlp.Red], Enum.GetValues<Tlp>().Order());
        Assert.True(Tlp.AmberStrict > Tlp.Amber);
    }

    [Fact]
    public void Undefined_tlp_has_no_label() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Tlp)42).ToLabel());

    [Theory]
    [InlineData("PAP:AMBER", Pap.Amber)]
    [InlineData("pap:red", Pap.Red)]
    [InlineData("green", Pap.Green)]
    [InlineData("WHITE", Pap.Clear)]
    [InlineData(" PAP:CLEAR ", Pap.Clear)]
    public void Parses_pap_labels(string text, Pap expected)
    {
        Assert.True(TrafficLabels.TryParsePap(text, out var pap));
        Assert.Equal(expected, pap);
    }

    [Theory]
    [InlineData("PAP:AMBER+STRICT")]
    [InlineData("PAP:BLUE")]
    [InlineData("TLP:RED")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_unknown_pap_labels(string? text)
    {
        Assert.False(TrafficLabels.TryParsePap(text, out var pap));
        Assert.Equal(default, pap);
    }

    [Theory]
    [InlineData(Pap.Clear, "PAP:CLEAR")]
    [InlineData(Pap.Green, "PAP:GREEN")]
    [InlineData(Pap.Amber, "PAP:AMBER")]
    [InlineData(Pap.Red, "PAP:RED")]
    public void Prints_canonical_pap_labels(Pap pap, string label) => Assert.Equal(label, pap.ToLabel());

    [Fact]
    public void Every_pap_round_trips_through_its_label()
    {
        Assert.Equal(4, Enum.GetValues<Pap>().Length);
        foreach (var pap in Enum.GetValues<Pap>())
        {
            Assert.True(TrafficLabels.TryParsePap(pap.ToLabel(), out var back));
            Assert.Equal(pap, back);
            Assert.True(TrafficLabels.TryParsePap(pap.ToLabel().ToLowerInvariant(), out back));
            Assert.Equal(pap, back);
            Assert.Contains(pap.ToLabel(), TrafficLabels.AllowedPap, StringComparison.Ordinal);
        }
    }
}
