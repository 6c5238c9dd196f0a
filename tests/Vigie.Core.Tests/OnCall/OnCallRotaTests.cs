using NodaTime;
using Vigie.Core.OnCall;
using Vigie.Core.Sla;

namespace Vigie.Core.Tests.OnCall;

public sealed class OnCallRotaTests
{
    private static readonly DateTimeZone Paris = DateTimeZoneProviders.Tzdb["Europe/Paris"];
    private static readonly HashSet<string> Users = new(["alice@csirt.test", "bob@csirt.test", "carol@csirt.test"], StringComparer.OrdinalIgnoreCase);
    private static readonly OnCallPair AliceBob = new("alice@csirt.test", "bob@csirt.test");
    private static readonly OnCallPair BobCarol = new("bob@csirt.test", "carol@csirt.test");
    private static readonly OnCallPair CarolAlice = new("carol@csirt.test", "alice@csirt.test");

    private static BusinessCalendar Calendar() => BusinessCalendar.Create("Europe/Paris",
        new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
            .Select(d => (d, new OpeningHours(new LocalTime(9, 0), new LocalTime(18, 0)))), FrenchHolidays.For).Value!;

    private static Instant Local(int y, int m, int d, int h, int min = 0) => new LocalDateTime(y, m, d, h, min).InZoneLeniently(Paris).ToInstant();

    // Week-long shifts from Monday 2 March 2026 18:00, alternating Alice/Bob then Bob/Carol.
    private static WeeklyRotation Weekly(params OnCallPair[] slots) => new(new LocalDate(2026, 3, 2), new LocalTime(18, 0), 7, slots);

    private static OnCallRota Build(WeeklyRotation? rotation, params RotaEntry[] entries)
    {
        var rota = OnCallRota.Create(Paris, rotation, entries, Users.Contains, pagingEnabled: true);
        Assert.True(rota.IsSuccess, rota.Error?.ToString());
        return rota.Value!;
    }

    private static RotaEntry Entry(RotaSource source, Instant start, Instant end, OnCallPair pair) => new(Guid.NewGuid(), source, start, end, pair);

    [Fact]
    public void The_weekly_rotation_turns_on_monday_at_18_local_across_the_dst_change()
    {
        var rota = Build(Weekly(AliceBob, BobCarol));
        Assert.Null(rota.At(Local(2026, 3, 2, 17, 59)));                         // before the anchor
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 2, 18, 0))!.Pair);
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 8, 3, 0))!.Pair);          // Sunday 03:00
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 9, 17, 59))!.Pair);
        Assert.Equal(BobCarol, rota.At(Local(2026, 3, 9, 18, 0))!.Pair);
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 16, 18, 0))!.Pair);
        // Summer time starts on 29 March 2026: the hand-over stays at 18:00 local (16:00 UTC).
        var afterDst = rota.At(Local(2026, 3, 30, 18, 0))!;
        Assert.Equal(Instant.FromUtc(2026, 3, 30, 16, 0), afterDst.Start);
        Assert.Equal(BobCarol, rota.At(Local(2026, 3, 30, 17, 59))!.Pair);
        Assert.Equal(AliceBob, afterDst.Pair);
    }

    [Fact]
    public void A_dated_shift_replaces_the_rotation_and_an_override_replaces_both()
    {
        var shift = Entry(RotaSource.Shift, Local(2026, 3, 6, 18, 0), Local(2026, 3, 9, 9, 0), CarolAlice);
        var cover = Entry(RotaSource.Override, Local(2026, 3, 8, 0, 0), Local(2026, 3, 8, 12, 0), BobCarol);
        var rota = Build(Weekly(AliceBob), shift, cover);
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 5, 22, 0))!.Pair);
        Assert.Equal(CarolAlice, rota.At(Local(2026, 3, 7, 3, 0))!.Pair);
        Assert.Equal(RotaSource.Override, rota.At(Local(2026, 3, 8, 3, 0))!.Source);
        Assert.Equal("bob@csirt.test", rota.At(Local(2026, 3, 8, 3, 0))!.Pair!.Primary);
        Assert.Equal(CarolAlice, rota.At(Local(2026, 3, 8, 12, 0))!.Pair);
        Assert.Equal(AliceBob, rota.At(Local(2026, 3, 9, 9, 0))!.Pair);

        var segments = rota.Between(Local(2026, 3, 6, 0, 0), Local(2026, 3, 10, 0, 0));
        Assert.Equal([AliceBob, CarolAlice, BobCarol, CarolAlice, AliceBob], segments.Select(s => s.Pair));
        Assert.Equal(Local(2026, 3, 6, 18, 0), segments[1].Start);
        // Alice/Bob again from Monday 09:00, and the rotation's next slot (still Alice/Bob) merges with it.
        Assert.Equal(Local(2026, 3, 10, 0, 0), segments[^1].End);
    }

    [Fact]
    public void Holes_are_only_the_unassigned_time_outside_business_hours()
    {
        // Friday 18:00 → Saturday 12:00 covered; the rest of the weekend is not; Monday is open from 09:00.
        var shift = Entry(RotaSource.Shift, Local(2026, 3, 6, 18, 0), Local(2026, 3, 7, 12, 0), AliceBob);
        var rota = Build(null, shift);
        var holes = rota.Holes(Calendar(), Local(2026, 3, 6, 9, 0), Local(2026, 3, 9, 12, 0));
        Assert.Equal([new RotaHole(Local(2026, 3, 7, 12, 0), Local(2026, 3, 9, 9, 0))], holes);

        // Business hours are never a hole, even with nobody on call.
        Assert.Empty(rota.Holes(Calendar(), Local(2026, 3, 10, 9, 0), Local(2026, 3, 10, 18, 0)));
        // A weekday night without anyone is one: Tuesday 18:00 → Wednesday 09:00.
        Assert.Equal([new RotaHole(Local(2026, 3, 10, 18, 0), Local(2026, 3, 11, 9, 0))],
            rota.Holes(Calendar(), Local(2026, 3, 10, 9, 0), Local(2026, 3, 11, 12, 0)));
        // A full rotation leaves none.
        Assert.Empty(Build(Weekly(AliceBob, BobCarol)).Holes(Calendar(), Local(2026, 3, 3, 0, 0), Local(2026, 4, 3, 0, 0)));
    }

    [Fact]
    public void A_public_holiday_without_cover_is_a_hole()
    {
        // Easter Monday 6 April 2026 is closed: nobody on call from Friday 18:00 through Tuesday 09:00 is one hole.
        var rota = Build(null, Entry(RotaSource.Shift, Local(2026, 4, 3, 18, 0), Local(2026, 4, 6, 0, 0), AliceBob));
        Assert.Equal([new RotaHole(Local(2026, 4, 6, 0, 0), Local(2026, 4, 7, 9, 0))],
            rota.Holes(Calendar(), Local(2026, 4, 3, 9, 0), Local(2026, 4, 7, 12, 0)));
    }

    [Fact]
    public void Validation_names_each_fault()
    {
        var a = Entry(RotaSource.Shift, Local(2026, 3, 6, 18, 0), Local(2026, 3, 9, 9, 0), AliceBob);
        var overlapping = Entry(RotaSource.Shift, Local(2026, 3, 8, 18, 0), Local(2026, 3, 10, 9, 0), BobCarol);
        var backwards = Entry(RotaSource.Override, Local(2026, 3, 9, 9, 0), Local(2026, 3, 8, 9, 0), BobCarol);
        var same = Entry(RotaSource.Override, Local(2026, 3, 20, 9, 0), Local(2026, 3, 21, 9, 0), new("bob@csirt.test", "BOB@csirt.test"));
        var stranger = Entry(RotaSource.Shift, Local(2026, 4, 1, 9, 0), Local(2026, 4, 2, 9, 0), new("mallory@evil.test", "bob@csirt.test"));
        var result = OnCallRota.Create(Paris, null, [a, overlapping, backwards, same, stranger], Users.Contains, pagingEnabled: true);
        Assert.False(result.IsSuccess);
        var fields = result.Error!.Fields!;
        Assert.Contains("overlaps", Assert.Single(fields[$"shifts:{overlapping.Id}"]), StringComparison.Ordinal);
        Assert.Contains("ends", Assert.Single(fields[$"overrides:{backwards.Id}"]), StringComparison.Ordinal);
        Assert.Contains("both primary and secondary", Assert.Single(fields[$"overrides:{same.Id}"]), StringComparison.Ordinal);
        Assert.Contains("'mallory@evil.test' (primary) is not a staff user", Assert.Single(fields[$"shifts:{stranger.Id}"]), StringComparison.Ordinal);
        Assert.False(fields.ContainsKey($"shifts:{a.Id}"));

        // An override may overlap a shift (that is its purpose), but not another override.
        var cover = Entry(RotaSource.Override, Local(2026, 3, 7, 0, 0), Local(2026, 3, 8, 0, 0), BobCarol);
        Assert.True(OnCallRota.Create(Paris, null, [a, cover], Users.Contains, true).IsSuccess);
    }

    [Fact]
    public void An_empty_rota_is_refused_only_when_paging_is_enabled()
    {
        var enabled = OnCallRota.Create(Paris, null, [], Users.Contains, pagingEnabled: true);
        Assert.Contains("empty", Assert.Single(enabled.Error!.Fields!["rota"]), StringComparison.Ordinal);
        Assert.True(OnCallRota.Create(Paris, null, [], Users.Contains, pagingEnabled: false).IsSuccess);
        // Overrides alone are not a rota.
        var onlyCover = Entry(RotaSource.Override, Local(2026, 3, 7, 0, 0), Local(2026, 3, 8, 0, 0), BobCarol);
        Assert.False(OnCallRota.Create(Paris, null, [onlyCover], Users.Contains, true).IsSuccess);
        Assert.False(OnCallRota.Create(Paris, Weekly(new OnCallPair("alice@csirt.test", "alice@csirt.test")), [], Users.Contains, true).IsSuccess);
    }
}
