using Vigie.Core.Reports;

namespace Vigie.Core.Tests.Reports;

public sealed class LanguageGuessTests
{
    [Theory]
    [InlineData("Bonjour, nous avons détecté une attaque sur le serveur de votre client. Merci pour votre aide.", "fr")]
    [InlineData("Hello, we have seen an attack from your network on our servers. Please look at the logs.", "en")]
    [InlineData("203.0.113.5 2026-03-09T10:00:00Z", null)]
    [InlineData("", null)]
    [InlineData("le the la and", null)]
    public void Guesses_the_language_of_a_report(string text, string? expected) =>
        Assert.Equal(expected, LanguageGuess.Guess(text));
}
