using System.Globalization;
using Microsoft.Extensions.Options;
using Vigie.Features.TeamProfile;

namespace Vigie.Web;

/// <summary>Shows instants in the team's time zone (the profile's), in the reader's language.</summary>
public sealed class TeamTime(IOptions<TeamProfileOptions> team, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(team.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;

    public DateTimeOffset Now => time.GetUtcNow();

    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone);

    /// <summary>"27/11/2026 14:05" (fr) or "11/27/2026 2:05 PM"… kept short and unambiguous: ISO-like in both.</summary>
    public string Format(DateTimeOffset? instant) =>
        instant is { } i ? Local(i).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public string FormatDate(DateTimeOffset? instant) =>
        instant is { } i ? Local(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    /// <summary>The start of the team's local day, days ago, as an instant.</summary>
    public DateTimeOffset DayStart(int daysAgo)
    {
        var local = Local(Now).Date.AddDays(-daysAgo);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
