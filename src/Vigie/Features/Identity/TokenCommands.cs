using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Core;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary><c>vigie token list --user EMAIL</c> and <c>vigie token revoke ID</c>: an operator's view of anyone's tokens.</summary>
public static class TokenCommands
{
    public static Command List()
    {
        var user = new Option<string>("--user") { Description = "E-mail address of the tokens' owner.", Required = true };
        var command = new Command("list", "List a user's API tokens: prefix, name, scope, created, expires, last used, revoked.") { user };
        command.SetAction(async (parse, ct) =>
        {
            if (!EmailAddress.TryNormalize(parse.GetValue(user), out var address, out var error))
            {
                return IdentityCommands.Fail(error!);
            }
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            if (await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == address, ct) is not { } owner)
            {
                return IdentityCommands.Fail($"No user has the address {address}.");
            }
            var tokens = await scope.ServiceProvider.GetRequiredService<TokenService>().ListAsync(owner.Id, ct);
            if (Console.IsOutputRedirected)
            {
                AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
            }
            var table = new Table().AddColumns("Id", "Prefix", "Name", "Scope", "Created", "Expires", "Last used", "State");
            foreach (var t in tokens)
            {
                table.AddRow(t.Id.ToString(), Markup.Escape(t.Prefix), Markup.Escape(t.Name), t.Scope, Day(t.CreatedAt), t.ExpiresAt is { } e ? Day(e) : "never",
                    t.LastUsedAt is { } u ? u.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never", t.RevokedAt is not null ? "revoked" : t.Active ? "active" : "expired");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command Revoke()
    {
        var id = new Argument<Guid>("ID") { Description = "The token's id (vigie token list)." };
        var command = new Command("revoke", "Revoke a token: it stops working at the next request.") { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var tokenId = parse.GetValue(id);
            if (await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct) is not { } token)
            {
                return IdentityCommands.Fail($"No token has the id {tokenId}.");
            }
            token.RevokedAt ??= app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            await db.SaveChangesAsync(ct);
            Console.Out.WriteLine($"Token {token.Prefix}… ({token.Name}) revoked.");
            return 0;
        });
        return command;
    }

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
