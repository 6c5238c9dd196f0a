namespace Vigie.Features.Mail;

/// <summary>Secrets named by a <c>…PasswordFile</c> setting: read when needed, never logged.</summary>
internal static class SecretFile
{
    /// <summary>The first line of the file (a trailing newline is what editors add, not part of the secret).</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken ct)
    {
        var text = await File.ReadAllTextAsync(path, ct);
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    public static string Read(string path)
    {
        var text = File.ReadAllText(path);
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
