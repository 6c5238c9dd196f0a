using NodaTime;

namespace Vigie.Core.Sla;

/// <summary>A day the team is closed by law, with a stable key the UI translates ("easter-monday").</summary>
public sealed record PublicHoliday(LocalDate Date, string Key);

/// <summary>
/// The eleven French public holidays (Code du travail, art. L3133-1) for any year: eight fixed dates
/// and three that follow Easter (Easter Monday, Ascension Thursday = Easter + 39, Whit Monday = Easter + 50).
/// The Alsace-Moselle extras (Good Friday, 26 December) are not national: add them as closures.
/// </summary>
public static class FrenchHolidays
{
    public static IReadOnlyList<PublicHoliday> For(int year)
    {
        var easter = EasterSunday(year);
        return
        [
            new(new LocalDate(year, 1, 1), "new-year"),
            new(easter.PlusDays(1), "easter-monday"),
            new(new LocalDate(year, 5, 1), "labour-day"),
            new(new LocalDate(year, 5, 8), "victory-1945"),
            new(easter.PlusDays(39), "ascension"),
            new(easter.PlusDays(50), "whit-monday"),
            new(new LocalDate(year, 7, 14), "bastille-day"),
            new(new LocalDate(year, 8, 15), "assumption"),
            new(new LocalDate(year, 11, 1), "all-saints"),
            new(new LocalDate(year, 11, 11), "armistice"),
            new(new LocalDate(year, 12, 25), "christmas"),
        ];
    }

    /// <summary>Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computus), valid for every Gregorian year.</summary>
    public static LocalDate EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new LocalDate(year, month, day);
    }
}
