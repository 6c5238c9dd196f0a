namespace Vigie.Core;

/// <summary>Enum members as the words the API and the CLI use ("contained", "amberStrict").</summary>
public static class EnumWords
{
    /// <summary>
    /// Parses one member name, case-insensitively. Stricter than <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>,
    /// which also takes numbers ("5") and comma lists ("triage,open" → a bitwise OR of both).
    /// </summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        var t = text?.Trim();
        return !string.IsNullOrEmpty(t) && t.All(char.IsAsciiLetter)
            && Enum.TryParse(t, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>
    /// The wire word of a member: camelCase (<c>stateChanged</c>, <c>incidentReport</c>, <c>client</c>).
    /// Observable kinds are the exception, written in lower case (<c>ipv4</c>) where they appear.
    /// </summary>
    public static string ToWord<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
