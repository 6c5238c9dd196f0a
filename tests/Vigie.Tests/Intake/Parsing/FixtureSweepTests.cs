using Vigie.Features.Intake.Parsing;
using static Vigie.Tests.Intake.Parsing.MailTestKit;

namespace Vigie.Tests.Intake.Parsing;

/// <summary>Every copied sample, broken ones included, goes through parse and read without an exception.</summary>
public sealed class FixtureSweepTests : IDisposable
{
    private readonly MailTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Every_sample_is_read_or_refused_with_a_reason()
    {
        var files = Directory.EnumerateFiles(MailDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 150, $"Only {files.Count} samples were found.");
        var read = 0;
        var refused = new List<string>();
        var flagged = 0;
        foreach (var file in files)
        {
            ParsedMessage parsed;
            await using (var stream = File.OpenRead(file))
            {
                parsed = await MailParsing.LoadAsync(stream, Ct);
            }
            AssertSentences(file, parsed.Problems);
            if (parsed.Message is null)
            {
                Assert.NotEmpty(parsed.Problems);
                refused.Add(Path.GetFileName(file));
                continue;
            }
            var content = await _kit.Reader.ReadAsync(parsed.Message, parsed.Message.Body!, Ct);
            AssertSentences(file, content.Problems);
            AssertSentences(file, content.Format?.Problems ?? []);
            AssertSentences(file, content.Attachments.Select(a => a.Problem).OfType<string>().ToList());
            Assert.DoesNotContain('\0', content.Text);
            Assert.True(content.Text.Length <= ParsingLimits.MaxTextChars);
            Assert.All(content.Attachments, a => Assert.True(a.Sha256 is null || _kit.Blobs.Exists(a.Sha256), $"{file}: {a.FileName} is not in the blob store."));
            read++;
            if (parsed.Problems.Count + content.Problems.Count > 0)
            {
                flagged++;
            }
        }
        // The .tnef, .list, .json, .csv and licence files are not messages; every .eml is one.
        Assert.DoesNotContain(refused, name => name.EndsWith(".eml", StringComparison.Ordinal));
        Assert.Contains("LICENSE", refused);
        Assert.True(read >= 130, $"{read} read; refused: {string.Join(", ", refused)}");
        Assert.True(flagged > 20, $"{flagged} flagged");
    }

    [Fact]
    public async Task The_broken_mime_samples_are_read()
    {
        foreach (var file in Directory.EnumerateFiles(PathOf("stalwart-malformed"), "*.eml"))
        {
            await using var stream = File.OpenRead(file);
            var parsed = await MailParsing.LoadAsync(stream, Ct);
            Assert.NotNull(parsed.Message);
            var content = await _kit.Reader.ReadAsync(parsed.Message, parsed.Message.Body!, Ct);
            Assert.NotNull(content.Text);
        }
    }

    [Fact]
    public async Task The_mailparse_crasher_is_read()
    {
        var (parsed, content) = await _kit.ReadFileAsync("deltachat/mailparse-0.16.0-panic.eml");
        Assert.NotNull(parsed.Message);
        Assert.NotNull(content);
    }

    private static void AssertSentences(string file, IReadOnlyList<string> problems)
    {
        foreach (var problem in problems)
        {
            Assert.False(string.IsNullOrWhiteSpace(problem), $"{file}: empty problem");
            Assert.True(char.IsUpper(problem[0]) || problem[0] is '"' or '1' or '2' or '3' or '4' or '5' or '6' or '7' or '8' or '9', $"{file}: \"{problem}\"");
        }
    }
}
