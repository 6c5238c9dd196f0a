using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigie.Features.TeamProfile;

namespace Vigie.Tests.TeamProfile;

// No web host is started: the profile is wired on a bare HostApplicationBuilder, as Program.cs does.
public sealed class TeamProfileTests
{
    private static HostApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        // Added before AddTeamProfile, like appsettings/env in the real host: the profile must still be the weaker layer.
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddTeamProfile();
        return builder;
    }

    private static TeamProfileOptions Resolve(HostApplicationBuilder builder)
    {
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<TeamProfileOptions>>().Value;
    }

    private static OptionsValidationException Invalid(params (string Key, string? Value)[] settings) =>
        Assert.Throws<OptionsValidationException>(() => Resolve(Builder(settings)));

    [Fact]
    public void Default_profile_file_is_copied_to_the_output()
        => Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, TeamProfileSetup.DefaultFileName)));

    [Fact]
    public void Default_profile_holds_the_seed_facts()
    {
        var team = Resolve(Builder());

        Assert.Equal(["fr", "en"], team.Languages);
        Assert.Equal("fr", team.PrimaryLanguage);
        Assert.Equal("cegedim.cloud CSIRT", team.Name);

        var version = Assert.Single(team.Document.History);
        Assert.Equal("1.0", version.Version);
        Assert.Equal(new DateOnly(2025, 5, 8), version.GetDate());
        Assert.Equal("Création du document RFC 2350", version.Changes.Get("fr"));
        Assert.Equal("Creation of the RFC 2350 document", version.Changes.Get("en"));
        Assert.True(string.IsNullOrEmpty(team.Document.Distribution.Address));
        Assert.Equal("https://www.cegedim.cloud/csirt", team.Document.Distribution.AnnouncementUrl);
        Assert.Equal(["https://www.cegedim.cloud/csirt"], team.Document.Locations);
        Assert.Equal("https://www.cegedim.cloud/csirt", team.Document.SignedVersionUrl);

        Assert.Equal("cegedim.cloud", team.Address.Organisation);
        Assert.Equal(["137 rue d'Aguesseau"], team.Address.Street);
        Assert.Equal("92100", team.Address.PostalCode);
        Assert.Equal("Boulogne-Billancourt", team.Address.Locality);
        Assert.Equal("FR", team.Address.CountryCode);

        Assert.Equal("Europe/Paris", team.TimeZone);
        Assert.Contains("UTC+2", team.TimeZoneDescription.Get("fr"), StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(team.Phone.Number));

        Assert.Equal("incident-csirt-cc@cegedim.com", team.IncidentEmail);
        Assert.Equal("contact-csirt-cc@cegedim.com", team.GeneralEmail);
        Assert.Equal("incident-csirt-cc@cegedim.com", team.OnCall.Email);
        Assert.Empty(team.OtherChannels.Channels);

        Assert.Equal("https://cegedim.cloud/wp-content/uploads/2025/10/public.asc", team.PublicKey.Url);
        Assert.Equal("885D94F099025163DA55FBE9DE2F24B12CCD89AF", team.PublicKey.NormalizedFingerprint);
        Assert.Equal("DE2F24B12CCD89AF", team.PublicKey.NormalizedKeyId);

        var hours = Assert.Single(team.BusinessHours);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], hours.GetDays());
        Assert.Equal(new TimeOnly(9, 0), hours.GetStart());
        Assert.Equal(new TimeOnly(18, 0), hours.GetEnd());

        Assert.Equal(["client", "internal", "partner"], team.Constituency.Classes.Select(c => c.Kind));
        Assert.Contains("SOC", Assert.Single(team.Constituency.Notes).Get("fr"), StringComparison.Ordinal);

        Assert.Equal(
            [
                ["malicious-code"],
                ["intrusion-attempts", "intrusions"],
                ["availability"],
                ["abusive-content", "information-content-security"],
                ["vulnerable"],
            ],
            team.IncidentTypes.Items.Select(t => t.RsitClasses.ToArray()));
        Assert.Equal(1, team.Support.InitialResponseBusinessDays);
        Assert.True(team.Cooperation.RequiresConsent);
        Assert.Equal("https://www.first.org/tlp/", team.Cooperation.TlpDefinitionUrl);
        Assert.Equal("email", team.Communication.PreferredChannel);
        Assert.True(team.Communication.EncryptSensitive);

        Assert.Equal(["5.1", "5.2", "5.3", "5.4"], team.Services.Items.Select(s => s.Id));
        Assert.Equal(["a", "b", "c", "d"], team.Services.Items[3].Subsections.Select(s => s.Id));
        Assert.Equal(2, team.Services.Items[3].Subsections[1].Items[1].Items.Count);
        Assert.Equal(2, team.Disclaimer.Count);
    }

    [Fact]
    public void Every_default_text_is_in_both_languages()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, TeamProfileSetup.DefaultFileName)))!;
        var texts = new List<(string Path, JsonObject Text)>();
        Collect(json["Vigie"]!["Team"]!, "Vigie:Team", texts);

        Assert.NotEmpty(texts);
        Assert.All(texts, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)t.Text["fr"]), t.Path + ":fr");
            Assert.False(string.IsNullOrWhiteSpace((string?)t.Text["en"]), t.Path + ":en");
        });

        static void Collect(JsonNode node, string path, List<(string, JsonObject)> found)
        {
            switch (node)
            {
                case JsonObject o when o.ContainsKey("fr") || o.ContainsKey("en"):
                    found.Add((path, o));
                    break;
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        if (v is not null) Collect(v, $"{path}:{k}", found);
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (a[i] is { } v) Collect(v, $"{path}:{i}", found);
                    }

                    break;
            }
        }
    }

    [Theory]
    [InlineData("Vigie:Team:IncidentEmail", "bad", "Vigie:Team:IncidentEmail: 'bad' is not a valid e-mail address")]
    [InlineData("Vigie:Team:GeneralEmail", "CSIRT <contact@example.org>", "Vigie:Team:GeneralEmail: ")]
    [InlineData("Vigie:Team:TimeZone", "Europe/Pariss", "Vigie:Team:TimeZone: 'Europe/Pariss' is not an IANA time zone")]
    [InlineData("Vigie:Team:TimeZone", "Romance Standard Time", "Vigie:Team:TimeZone: ")]
    [InlineData("Vigie:Team:PublicKey:Fingerprint", "885D94F0", "Vigie:Team:PublicKey:Fingerprint: ")]
    [InlineData("Vigie:Team:PublicKey:KeyId", "0123456789ABCDEF", "Vigie:Team:PublicKey:KeyId: ")]
    [InlineData("Vigie:Team:PublicKey:Url", "ftp://cegedim.cloud/public.asc", "Vigie:Team:PublicKey:Url: ")]
    [InlineData("Vigie:Team:Document:Locations:0", "/csirt", "Vigie:Team:Document:Locations:0: ")]
    [InlineData("Vigie:Team:Document:History:0:Date", "08/05/2025", "Vigie:Team:Document:History:0:Date: ")]
    [InlineData("Vigie:Team:BusinessHours:0:Start", "19:00", "Vigie:Team:BusinessHours:0:End: ")]
    [InlineData("Vigie:Team:BusinessHours:0:End", "25:00", "Vigie:Team:BusinessHours:0:End: ")]
    [InlineData("Vigie:Team:BusinessHours:0:Days:2", "Mercredi", "Vigie:Team:BusinessHours:0:Days:2: ")]
    [InlineData("Vigie:Team:BusinessHours:0:Days:2", "Monday", "Vigie:Team:BusinessHours:0:Days:2: ")]
    [InlineData("Vigie:Team:Languages:1", "eng", "Vigie:Team:Languages:1: ")]
    [InlineData("Vigie:Team:Languages:1", "fr", "Vigie:Team:Languages:1: ")]
    [InlineData("Vigie:Team:Mission:fr", "", "Vigie:Team:Mission:fr: ")]
    [InlineData("Vigie:Team:Mission:fe", "Typo", "Vigie:Team:Mission:fe: ")]
    [InlineData("Vigie:Team:Name", " ", "Vigie:Team:Name: is required")]
    [InlineData("Vigie:Team:Address:CountryCode", "XX", "Vigie:Team:Address:CountryCode: ")]
    [InlineData("Vigie:Team:Phone:Number", "01 23", "Vigie:Team:Phone:Number: ")]
    [InlineData("Vigie:Team:Constituency:Classes:0:Kind", "customer", "Vigie:Team:Constituency:Classes:0:Kind: ")]
    [InlineData("Vigie:Team:IncidentTypes:Items:3:RsitClasses:0", "spam", "Vigie:Team:IncidentTypes:Items:3:RsitClasses:0: ")]
    [InlineData("Vigie:Team:IncidentTypes:Items:1:Key", "malicious-code", "Vigie:Team:IncidentTypes:Items:1:Key: ")]
    [InlineData("Vigie:Team:Support:InitialResponseBusinessDays", "0", "Vigie:Team:Support:InitialResponseBusinessDays: ")]
    [InlineData("Vigie:Team:Services:Items:3:Subsections:1:Id", "a", "Vigie:Team:Services:Items:3:Subsections:1:Id: ")]
    [InlineData("Vigie:Team:OnCall:Email", "astreinte@", "Vigie:Team:OnCall:Email: ")]
    // Issue 6, bad input: what would forge lines in the RFC 2350 text, security.txt or a mail header.
    [InlineData("Vigie:Team:Name", "CSIRT\nContact: mailto:evil@example.org", "Vigie:Team:Name: must fit on one line")]
    [InlineData("Vigie:Team:Address:Street:0", "137 rue d'Aguesseau\r\nX-Injected: 1", "Vigie:Team:Address:Street:0: must fit on one line")]
    [InlineData("Vigie:Team:Address:Locality", "Boulogne\u0007", "Vigie:Team:Address:Locality: holds a control character (U+0007)")]
    [InlineData("Vigie:Team:FullName:fr", "Le CSIRT\n\n1 FAUX TITRE", "Vigie:Team:FullName:fr: must fit on one line")]
    [InlineData("Vigie:Team:Services:Items:0:Title:en", "Coordination\nfake", "Vigie:Team:Services:Items:0:Title:en: must fit on one line")]
    [InlineData("Vigie:Team:Document:History:0:Changes:fr", "Création\nsuite", "Vigie:Team:Document:History:0:Changes:fr: must fit on one line")]
    [InlineData("Vigie:Team:Mission:en", "Protect\u001b[31m red", "Vigie:Team:Mission:en: holds a control character (U+001B)")]
    [InlineData("Vigie:Team:Mission:fr", "Paragraphe\r\nfin de ligne Windows", "Vigie:Team:Mission:fr: holds a control character (U+000D)")]
    [InlineData("Vigie:Team:PublicKey:Url", "https://cegedim.cloud/public.asc\nEvil", "Vigie:Team:PublicKey:Url: must fit on one line")]
    [InlineData("Vigie:Team:IncidentEmail", "incident@cegedim.com\r\nBcc: x@y.z", "Vigie:Team:IncidentEmail: must fit on one line")]
    public void A_bad_value_is_named_by_its_config_path(string key, string value, string expected)
    {
        var ex = Invalid((key, value));

        // One bad key gives one message: an operator should not have to dig through consequences.
        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Over_long_values_are_refused_with_their_length()
    {
        var name = Assert.Single(Invalid(("Vigie:Team:Name", new string('x', 201))).Failures);
        Assert.Equal("Vigie:Team:Name: is 201 characters long; at most 200 are allowed", name);
        var mission = Assert.Single(Invalid(("Vigie:Team:Mission:en", string.Join(' ', Enumerable.Repeat("protect", 600)))).Failures);
        Assert.Equal("Vigie:Team:Mission:en: is 4799 characters long; at most 4000 are allowed", mission);
        var url = Assert.Single(Invalid(("Vigie:Team:OtherInformation:Url", "https://example.org/" + new string('a', 2000))).Failures);
        Assert.StartsWith("Vigie:Team:OtherInformation:Url: is 2020 characters long; at most 2000", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_intervals_on_the_same_day_are_refused_but_a_lunch_break_is_fine()
    {
        var ex = Invalid(
            ("Vigie:Team:BusinessHours:1:Days:0", "Friday"),
            ("Vigie:Team:BusinessHours:1:Start", "17:00"),
            ("Vigie:Team:BusinessHours:1:End", "20:00"));
        Assert.StartsWith("Vigie:Team:BusinessHours:1: overlaps Vigie:Team:BusinessHours:0 on Friday", Assert.Single(ex.Failures), StringComparison.Ordinal);

        var team = Resolve(Builder(
            ("Vigie:Team:BusinessHours:0:End", "12:00"),
            ("Vigie:Team:BusinessHours:1:Days:0", "Monday"),
            ("Vigie:Team:BusinessHours:1:Days:1", "tuesday"),
            ("Vigie:Team:BusinessHours:1:Start", "12:00"),
            ("Vigie:Team:BusinessHours:1:End", "18:00")));
        Assert.Equal(2, team.BusinessHours.Count);
    }

    [Fact]
    public void Key_id_and_fingerprint_may_be_written_with_spaces()
    {
        var team = Resolve(Builder(
            ("Vigie:Team:PublicKey:KeyId", "DE2F 24B1 2CCD 89AF"),
            ("Vigie:Team:PublicKey:Fingerprint", "885D 94F0 9902 5163 DA55  FBE9 DE2F 24B1 2CCD 89af")));
        Assert.Equal("885D94F099025163DA55FBE9DE2F24B12CCD89AF", team.PublicKey.NormalizedFingerprint);
    }

    [Fact]
    public void Describe_lists_each_failure_on_its_own_line()
    {
        var ex = Invalid(("Vigie:Team:IncidentEmail", "bad"), ("Vigie:Team:TimeZone", "Europe/Pariss"));

        var text = TeamProfileSetup.Describe(ex);

        Assert.StartsWith(
            "The team profile is invalid:\n - Vigie:Team:TimeZone: 'Europe/Pariss' is not an IANA time zone\n - Vigie:Team:IncidentEmail: 'bad' is not a valid e-mail address\n",
            text, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_runs_at_start_up()
    {
        using var host = Builder(("Vigie:Team:IncidentEmail", "bad")).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.StartsWith("Vigie:Team:IncidentEmail:", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_line_and_later_sources_override_the_default_profile()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = ["--Vigie:Team:IncidentEmail=cert@example.org"],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Testing",
        });
        builder.AddTeamProfile();
        builder.Configuration.AddInMemoryCollection([new("Vigie:Team:GeneralEmail", "info@example.org")]);

        var team = Resolve(builder);

        Assert.Equal("cert@example.org", team.IncidentEmail);
        Assert.Equal("info@example.org", team.GeneralEmail);
        Assert.Equal("Europe/Paris", team.TimeZone);
    }

    [Fact]
    public void A_profile_file_named_by_the_operator_replaces_the_default()
    {
        var profile = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, TeamProfileSetup.DefaultFileName)))!;
        var team = profile["Vigie"]!["Team"]!;
        team["Name"] = "Example CSIRT";
        team["Disclaimer"] = new JsonArray(new JsonObject { ["fr"] = "Sans garantie.", ["en"] = "No warranty." });
        team["BusinessHours"] = JsonNode.Parse("""
            [ { "Days": [ "Monday" ], "Start": "08:00", "End": "12:00" },
              { "Days": [ "Monday" ], "Start": "14:00", "End": "17:00" } ]
            """);
        var file = Path.Combine(Path.GetTempPath(), $"vigie-profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, profile.ToJsonString());
        try
        {
            var loaded = Resolve(Builder((TeamProfileOptions.ProfileFileKey, file)));

            Assert.Equal("Example CSIRT", loaded.Name);
            // Lists are not merged with the default's: the default file is not loaded at all.
            Assert.Equal("No warranty.", Assert.Single(loaded.Disclaimer).Get("en"));
            Assert.Equal(2, loaded.BusinessHours.Count);
            Assert.All(loaded.BusinessHours, h => Assert.Equal([DayOfWeek.Monday], h.GetDays()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_profile_file_is_reported_by_its_key()
    {
        var ex = Invalid((TeamProfileOptions.ProfileFileKey, "no-such-profile.json"));

        Assert.StartsWith("Vigie:TeamProfileFile: the profile file '", ex.Failures.First(), StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_the_profile_twice_changes_nothing()
    {
        var builder = Builder();
        var sources = builder.Configuration.Sources.Count;

        builder.AddTeamProfile();

        Assert.Equal(sources, builder.Configuration.Sources.Count);
        Assert.Equal("cegedim.cloud CSIRT", Resolve(builder).Name);
    }

    [Fact]
    public void Localized_text_falls_back_to_the_first_language()
    {
        var text = new LocalizedText { ["fr"] = "Bonjour" };
        var team = new TeamProfileOptions { Languages = ["fr", "en"] };

        Assert.Equal("Bonjour", team.Localize(text, "en"));
        Assert.Equal("Bonjour", text.Get("EN", "fr"));
        Assert.Equal("Bonjour", text.Get("de"));
        Assert.Equal("", new LocalizedText().Get("fr"));
    }
}
