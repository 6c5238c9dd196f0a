using System.Globalization;
using System.Resources;

namespace Vigie.Features.Correspondence;

/// <summary>Marker for the correspondence pages' strings (CorrespondenceText.resx, CorrespondenceText.fr.resx).</summary>
public sealed class CorrespondenceText;

/// <summary>The sharing gate's reasons in French and English, for the API (the pages use their localizer).</summary>
public static class ShareReasons
{
    private static readonly ResourceManager Resources = new(typeof(CorrespondenceText));

    /// <summary>The reason of <paramref name="code"/> in <paramref name="language"/> (fr or en).</summary>
    public static string Text(string code, string language) =>
        Resources.GetString("Refusal." + code, CultureInfo.GetCultureInfo(language)) ?? code;

    /// <summary>Both languages, for a problem-details extension.</summary>
    public static Dictionary<string, string> Both(string code) => new(StringComparer.Ordinal)
    {
        ["en"] = Text(code, "en"),
        ["fr"] = Text(code, "fr"),
    };
}
