using System.Collections;
using System.Globalization;
using System.Resources;

namespace Vigie.Tests.Web;

/// <summary>
/// Everything a person reads exists in French and in English: each resource file of the host has a
/// French twin with the same keys and no empty text. (Pages rendered by tests also fail on a missing
/// key: Vigie:Ui:StrictStrings.)
/// </summary>
public sealed class LocalisationTests
{
    private static readonly System.Reflection.Assembly Host = typeof(Vigie.Web.Ui).Assembly;

    public static TheoryData<string> BaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Host.GetManifestResourceNames().Where(n => n.EndsWith(".resources", StringComparison.Ordinal)))
        {
            data.Add(name[..^".resources".Length]);
        }
        return data;
    }

    [Fact]
    public void The_workspace_has_resource_files() =>
        Assert.Contains("Vigie.Web.Ui", BaseNames().Select(d => (string)d.Data));

    [Theory]
    [MemberData(nameof(BaseNames))]
    public void Each_resource_has_the_same_keys_in_french_and_english_and_none_is_empty(string baseName)
    {
        var manager = new ResourceManager(baseName, Host);
        var english = Read(manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!);
        var french = Read(manager.GetResourceSet(new CultureInfo("fr"), createIfNotExists: true, tryParents: false)
            ?? throw new Xunit.Sdk.XunitException($"{baseName} has no French resources."));
        Assert.NotEmpty(english);
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), french.Keys.Order(StringComparer.Ordinal));
        Assert.All(english.Concat(french), pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), $"{baseName}: {pair.Key} is empty"));
        // Placeholders ({0}, {1}…) must match, or a translation would drop or invent a value.
        Assert.All(english, pair => Assert.Equal(Placeholders(pair.Value), Placeholders(french[pair.Key])));
    }

    private static Dictionary<string, string> Read(ResourceSet set) =>
        set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string ?? "");

    private static string[] Placeholders(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{\d+\}").Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];
}
