using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using Vigie.Core;

namespace Vigie.Features.Advisories;

/// <summary>Marker for the bulletin strings (AdvisoriesText.resx, AdvisoriesText.fr.resx).</summary>
public sealed class AdvisoriesText
{
    private static readonly ResourceManager Resources = new(typeof(AdvisoriesText).FullName!, typeof(AdvisoriesText).Assembly);

    /// <summary>The English (neutral) text of a key, whatever the current culture: what the API answers.</summary>
    internal static string English(string key, IReadOnlyList<string> arguments) =>
        string.Format(CultureInfo.InvariantCulture, Resources.GetString(key, CultureInfo.InvariantCulture) ?? key, [.. arguments]);
}

/// <summary>
/// Why a bulletin change, publication or sending is refused: a stable code (<c>no-product</c>, <c>reference-url</c>…),
/// the field it concerns and the arguments of its message. The API answers it in English (its messages are English
/// throughout; the host does not read Accept-Language), with the code as the problem's <c>reason</c>; the page and the
/// CLI say it in the reader's language (<see cref="Localize"/>).
/// </summary>
public sealed record AdvisoryRefusal(string Code, string Field, params string[] Arguments)
{
    private const string ReasonKey = "reason";
    private const string ArgumentsKey = "arguments";

    public string ResourceKey => "Refusal." + Code;

    public string English() => AdvisoriesText.English(ResourceKey, Arguments);

    public string In(IStringLocalizer<AdvisoriesText> text) => text[ResourceKey, [.. Arguments]];

    /// <summary>A validation error whose message is English, carrying the code and arguments so that it can be said again in another language.</summary>
    public Error ToError()
    {
        var message = English();
        return new Error(ErrorKind.Validation, "validation", message, new Dictionary<string, string[]> { [Field] = [message] })
        {
            Extensions = new Dictionary<string, object?> { [ReasonKey] = Code, [ArgumentsKey] = Arguments },
        };
    }

    /// <summary>The refusal an error carries (<see cref="ToError"/>), or null.</summary>
    public static AdvisoryRefusal? Of(Error? error) =>
        error?.Extensions is { } x && x.TryGetValue(ReasonKey, out var code) && code is string c && error.Fields is { Count: > 0 } fields
            ? new AdvisoryRefusal(c, fields.Keys.First(), x.TryGetValue(ArgumentsKey, out var a) && a is string[] args ? args : [])
            : null;

    /// <summary>The error in the reader's language when it is a refusal; any other error unchanged.</summary>
    public static Error? Localize(Error? error, IStringLocalizer<AdvisoriesText> text)
    {
        if (Of(error) is not { } refusal)
        {
            return error;
        }
        var message = refusal.In(text);
        return error! with { Message = message, Fields = new Dictionary<string, string[]> { [refusal.Field] = [message] } };
    }

    /// <summary>The message of an error in the reader's language (for the CLI).</summary>
    public static string Message(Error error, IStringLocalizer<AdvisoriesText> text) => Localize(error, text)!.Message;
}
