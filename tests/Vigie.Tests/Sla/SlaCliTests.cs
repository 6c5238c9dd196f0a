using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Sla;

/// <summary><c>vigie sla due</c> run as the real binary, and the start-up checks of the SLA configuration.</summary>
public sealed class SlaCliTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>(app.Settings());
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task Sla_due_prints_the_explanation_and_the_due_time()
    {
        var (code, output, error) = await CliTests.Run(Settings(), null, "sla", "due", "--received", "2026-11-27T17:59", "--priority", "P3", "--lang", "en");
        Assert.True(code == 0, error);
        Assert.Contains("Received Friday 2026-11-27 17:59 (Europe/Paris), during business hours", output, StringComparison.Ordinal);
        Assert.Contains("first-response due 2026-11-30T17:59:00+01:00", output, StringComparison.Ordinal);

        var (json, jsonOut, _) = await CliTests.Run(Settings(), null, "sla", "due", "--received", "2026-11-27T18:00", "--priority", "P3", "--json");
        Assert.Equal(0, json);
        Assert.Contains("\"dueLocal\": \"2026-11-30T18:00:00+01:00\"", jsonOut, StringComparison.Ordinal);
        Assert.Contains("après la fermeture", jsonOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_are_named_with_the_option_to_fix()
    {
        var (code, _, error) = await CliTests.Run(Settings(), null, "sla", "due", "--received", "friday", "--priority", "urgent");
        Assert.Equal(2, code);
        Assert.Contains("--received: 'friday' is not an ISO 8601 date and time", error, StringComparison.Ordinal);
        Assert.Contains("--priority: 'urgent' is not a priority: write P1, P2, P3 or P4.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_SLA_configuration_stops_the_start_with_every_faulty_key()
    {
        var (code, _, error) = await CliTests.Run(Settings(
            ("Vigie:Sla:FirstResponse:P5", "1bd"),
            ("Vigie:Sla:Resolution:P1", "soon"),
            ("Vigie:Sla:AtRiskPercent", "120"),
            ("Vigie:Sla:Holidays", "DE"),
            ("Vigie:Sla:Overrides:0:Date", "2026-12-31"),
            ("Vigie:Sla:Overrides:0:Reason", "New Year's Eve"),
            ("Vigie:Sla:Overrides:0:Hours:0:Start", "09:00"),
            ("Vigie:Sla:Overrides:0:Hours:0:End", "13:00"),
            ("Vigie:Sla:Overrides:0:Hours:1:Start", "12:00"),
            ("Vigie:Sla:Overrides:0:Hours:1:End", "14:00")), null, "sla", "due", "--received", "2026-11-27T10:00", "--priority", "P3");
        Assert.Equal(1, code);
        Assert.Contains("Vigie:Sla:FirstResponse:P5: 'P5' is not a priority: write P1, P2, P3 or P4.", error, StringComparison.Ordinal);
        Assert.Contains("Vigie:Sla:Resolution:P1: 'soon' is not an SLA delay", error, StringComparison.Ordinal);
        Assert.Contains("Vigie:Sla:AtRiskPercent: 120 is not a percentage from 1 to 99.", error, StringComparison.Ordinal);
        Assert.Contains("Vigie:Sla:Holidays: 'DE' is not a holiday set: write FR or none.", error, StringComparison.Ordinal);
        Assert.Contains("overlap", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
