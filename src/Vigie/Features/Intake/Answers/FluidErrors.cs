using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigie.Features.Intake.Answers;

/// <summary>
/// Fluid's error messages made readable for the person who edited a template (answers and
/// correspondence templates alike): they end with "at (line:column)" followed by the source line.
/// </summary>
internal static partial class FluidErrors
{
    public static (int Line, int Column) Position(string error)
    {
        var match = ErrorPosition().Match(error);
        return match.Success
            ? (int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture))
            : (0, 0);
    }

    /// <summary>"An identifier was expected after the '|' sign at (2:13)\nSource:…" → "An identifier was expected after the '|' sign."</summary>
    public static string FirstLine(string error)
    {
        var end = error.IndexOf('\n', StringComparison.Ordinal);
        var line = ErrorPosition().Replace(end < 0 ? error : error[..end], "").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex ErrorPosition();
}
