using System.CommandLine;
using Vigie.Data;

namespace Vigie.Cli;

/// <summary><c>vigie secret protect</c>: encrypts a secret for configuration with this installation's keys.</summary>
public static class SecretCommands
{
    public static Command Build()
    {
        var protect = new Command("protect",
            "Read a secret on standard input (first line) and print it protected (protected:…) with this data directory's keys, "
            + "for Vigie:Imap:Mailboxes:N:Password, Vigie:OnCall:Webhook:Secret or a *PasswordFile / passphrase file.");
        protect.SetAction(async (parse, ct) =>
        {
            var secret = (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r') ?? "";
            if (secret.Length == 0)
            {
                Console.Error.WriteLine("error: give the secret on standard input, e.g. vigie secret protect < file, or type it and press Enter.");
                return 2;
            }
            if (SecretValues.IsProtected(secret))
            {
                Console.Error.WriteLine("error: this value is protected already.");
                return 2;
            }
            await using var app = VigieCli.BuildHost(parse);
            Console.Out.WriteLine(app.Services.GetRequiredService<SecretValues>().Protect(secret));
            return 0;
        });
        return new Command("secret", "Secrets at rest: protect configuration secrets with this installation's keys.") { protect };
    }
}
