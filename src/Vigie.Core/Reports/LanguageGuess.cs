namespace Vigie.Core.Reports;

/// <summary>
/// French or English? Only to decide which language comes first in a bilingual answer, so a rough
/// count of the most frequent function words of each language is enough; null when unsure.
/// </summary>
public static class LanguageGuess
{
    private static readonly HashSet<string> s_french = new(StringComparer.OrdinalIgnoreCase)
    {
        "le", "la", "les", "des", "une", "est", "et", "pour", "dans", "que", "qui", "sur", "pas", "vous", "nous",
        "avec", "sont", "cette", "votre", "bonjour", "merci", "du", "au", "aux", "ce", "il", "elle",
    };

    private static readonly HashSet<string> s_english = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "is", "are", "for", "this", "that", "with", "you", "we", "your", "our", "have", "has",
        "from", "was", "were", "please", "hello", "thanks", "of", "to", "in", "on", "it", "be",
    };

    /// <summary>"fr", "en", or null when the text gives no clear answer. Reads at most the first 20,000 characters.</summary>
    public static string? Guess(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var span = text.AsSpan(0, Math.Min(text.Length, 20_000));
        var french = s_french.GetAlternateLookup<ReadOnlySpan<char>>();
        var english = s_english.GetAlternateLookup<ReadOnlySpan<char>>();
        int fr = 0, en = 0;
        var start = -1;
        for (var i = 0; i <= span.Length; i++)
        {
            var letter = i < span.Length && char.IsLetter(span[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var word = span[start..i];
                fr += french.Contains(word) ? 1 : 0;
                en += english.Contains(word) ? 1 : 0;
                start = -1;
            }
        }
        // A clear majority of a handful of words, or no opinion.
        return fr + en < 3 ? null : fr >= 2 * en ? "fr" : en >= 2 * fr ? "en" : null;
    }
}
