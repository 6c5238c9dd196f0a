using System.Text;
using Vigie.Core.Taxonomy;

namespace Vigie.Core.Tests.Domain;

public class RsitTaxonomyTests
{
    private static readonly string[] ShippedClasses =
    [
        "abusive-content", "malicious-code", "information-gathering", "intrusion-attempts", "intrusions",
        "availability", "information-content-security", "fraud", "vulnerable", "other", "test",
    ];

    private static RsitTaxonomy Rsit => RsitTaxonomy.Default;

    [Fact]
    public void Shipped_copy_has_the_eleven_classes_in_order()
    {
        Assert.Equal(ShippedClasses, Rsit.Classes.Select(c => c.Value));
        Assert.True(Rsit.Version > 0);
        Assert.Same(Rsit, RsitTaxonomy.Default);
    }

    [Theory]
    [InlineData("abusive-content", "spam,harmful-speech,violence")]
    [InlineData("malicious-code", "infected-system,c2-server,malware-distribution,malware-configuration")]
    [InlineData("information-gathering", "scanner,sniffing,social-engineering")]
    [InlineData("intrusion-attempts", "ids-alert,brute-force,exploit")]
    [InlineData("intrusions", "privileged-account-compromise,unprivileged-account-compromise,application-compromise,system-compromise,burglary")]
    [InlineData("availability", "dos,ddos,misconfiguration,sabotage,outage")]
    [InlineData("information-content-security", "unauthorised-information-access,unauthorised-information-modification,data-loss,data-leak")]
    [InlineData("fraud", "unauthorised-use-of-resources,copyright,masquerade,phishing")]
    [InlineData("vulnerable", "weak-crypto,ddos-amplifier,potentially-unwanted-accessible,information-disclosure,vulnerable-system")]
    [InlineData("other", "other,undetermined")]
    [InlineData("test", "test")]
    public void Each_class_has_its_types(string classValue, string types)
    {
        var c = Rsit.FindClass(classValue);
        Assert.NotNull(c);
        Assert.Equal(types.Split(','), c.Types.Select(t => t.Value));
        Assert.All(c.Types, t => Assert.Equal(classValue, t.Class));
    }

    [Fact]
    public void Every_class_and_type_has_a_label_and_a_description()
    {
        Assert.All(Rsit.Classes, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Label), c.Value);
            Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Value);
            Assert.NotEmpty(c.Types);
            Assert.All(c.Types, t =>
            {
                Assert.False(string.IsNullOrWhiteSpace(t.Label), t.Value);
                Assert.False(string.IsNullOrWhiteSpace(t.Description), t.Value);
            });
        });
        Assert.Equal("Intrusions", Rsit.FindClass("intrusions")!.Label);
        Assert.Equal("Phishing", Rsit.FindClass("fraud")!.Types.Single(t => t.Value == "phishing").Label);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Intrusions")]
    [InlineData("intrusion")]
    public void Find_class_returns_null_for_unknown_values(string? value) => Assert.Null(Rsit.FindClass(value));

    [Theory]
    [InlineData(null, null)]
    [InlineData("intrusions", null)]
    [InlineData("intrusions", "system-compromise")]
    [InlineData("test", "test")]
    [InlineData("other", "undetermined")]
    public void Validate_accepts_known_pairs_and_a_class_without_type(string? c, string? t) =>
        Assert.Null(Rsit.Validate(c, t));

    [Fact]
    public void Validate_refuses_an_unknown_class_and_names_the_allowed_values()
    {
        var error = Rsit.Validate("hacking", null);
        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        var message = Assert.Single(error.Fields!["rsitClass"]);
        Assert.Equal($"'hacking' is not an RSIT class. Allowed values: {string.Join(", ", ShippedClasses)}.", message);
        Assert.False(error.Fields.ContainsKey("rsitType"));
    }

    [Fact]
    public void Validate_refuses_a_type_of_another_class_and_names_that_class_s_types()
    {
        var error = Rsit.Validate("intrusions", "phishing");
        Assert.NotNull(error);
        var message = Assert.Single(error.Fields!["rsitType"]);
        Assert.Equal("'phishing' is not an RSIT type of class 'intrusions'. Allowed values: "
            + "privileged-account-compromise, unprivileged-account-compromise, application-compromise, system-compromise, burglary.", message);
        Assert.DoesNotContain("phishing,", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_refuses_a_type_without_class()
    {
        var error = Rsit.Validate(null, "system-compromise");
        Assert.NotNull(error);
        Assert.Equal(["An RSIT type needs its class."], error.Fields!["rsitClass"]);
    }

    [Fact]
    public void Parse_reads_a_hand_written_machinetag()
    {
        const string json = """
            {
              "namespace": "rsit",
              "version": 7,
              "predicates": [
                { "value": "alpha", "expanded": "Alpha Class", "description": "The first class." },
                { "value": "beta" }
              ],
              "values": [
                {
                  "predicate": "alpha",
                  "entry": [
                    { "value": "a-one", "expanded": "A One", "description": "First type.", "uuid": "00000000-0000-0000-0000-000000000001" },
                    { "value": "a-two" }
                  ]
                },
                { "predicate": "unknown", "entry": [ { "value": "orphan" } ] }
              ]
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var taxonomy = RsitTaxonomy.Parse(stream);

        Assert.Equal(7, taxonomy.Version);
        Assert.Equal(["alpha", "beta"], taxonomy.Classes.Select(c => c.Value));

        var alpha = taxonomy.FindClass("alpha")!;
        Assert.Equal("Alpha Class", alpha.Label);
        Assert.Equal("The first class.", alpha.Description);
        Assert.Equal(
            [new RsitType("alpha", "a-one", "A One", "First type."), new RsitType("alpha", "a-two", "a-two", "")],
            alpha.Types);

        var beta = taxonomy.FindClass("beta")!;
        Assert.Equal("beta", beta.Label);
        Assert.Equal("", beta.Description);
        Assert.Empty(beta.Types);

        Assert.Null(taxonomy.FindClass("unknown"));
        Assert.Null(taxonomy.Validate("alpha", "a-two"));
        Assert.Null(taxonomy.Validate("beta", null));
        Assert.NotNull(taxonomy.Validate("beta", "a-one"));
        Assert.NotNull(taxonomy.Validate("intrusions", null));
    }
}
