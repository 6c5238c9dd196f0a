
namespace Vigie.Data;

/// <summary>
/// At start-up, every protected secret the configuration holds — a <c>protected:…</c> value, or a
/// <c>…PasswordFile</c>/<c>…PassphraseFile</c> whose first line is one — is decrypted once, so that a
/// value made with another installation's keys stops the start with its key named, not the first
/// IMAP poll or page at 03:00.
/// </summary>
public sealed class SecretsStartupCheck(IConfiguration configuration, SecretValues secrets) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            try
            {
                if (SecretValues.IsProtected(value))
                {
                    secrets.Reveal(value, key);
                }
                else if ((key.EndsWith("PasswordFile", StringComparison.OrdinalIgnoreCase) || key.EndsWith("PassphraseFile", StringComparison.OrdinalIgnoreCase))
                         && !string.IsNullOrWhiteSpace(value) && File.Exists(value))
                {
                    var firstLine = File.ReadLines(value).FirstOrDefault();
                    if (SecretValues.IsProtected(firstLine))
                    {
                        secrets.Reveal(firstLine, $"{key} ({value})");
                    }
                }
            }
            catch (SecretUnreadableException e)
            {
                problems.Add(e.Message);
            }
        }
        return problems.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException("Protected secrets cannot be read:\n - " + string.Join("\n - ", problems));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
