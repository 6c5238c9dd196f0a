using System.CommandLine;
using Microsoft.Extensions.Options;
using Vigie.Cli;
using Vigie.Core.PublicSite;

namespace Vigie.Features.PublicSite;

/// <summary><c>vigie securitytxt render [--url BASE]</c>: prints the security.txt the server serves (signed when the team has a key).</summary>
public static class SecurityTxtCommands
{
    public static Command Build()
    {
        var url = new Option<string?>("--url")
        {
            Description = $"Public address of the site, e.g. https://csirt.example.org/ (default: {PublicSiteOptions.Section}:PublicUrl).",
        };
        var render = new Command("render", "Print security.txt (RFC 9116) as /.well-known/security.txt serves it, clear-signed with the team key when there is one.") { url };
        render.SetAction(async (parse, ct) =>
        {
            // The document goes to standard output, so that it can be redirected to a file: logs go to standard error.
            var overrides = VigieCli.Overrides(parse);
            overrides["Logging:Console:LogToStandardErrorThreshold"] = "Trace";
            await using var app = VigieHost.CreateBuilder([], overrides).Build();
            var site = app.Services.GetRequiredService<IOptions<PublicSiteOptions>>().Value;
            var baseUrl = parse.GetValue(url) ?? site.PublicUrl;
            if (string.IsNullOrWhiteSpace(baseUrl))
            {
                return Fail($"The public address is unknown: set {PublicSiteOptions.Section}:PublicUrl or give --url https://….");
            }
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                return Fail($"'{baseUrl}' is not an absolute https URL without query or fragment.");
            }
            var service = app.Services.GetRequiredService<SecurityTxtService>();
            RenderedSecurityTxt rendered;
            try
            {
                rendered = service.Render(baseUrl);
            }
            catch (SecurityTxtException e)
            {
                return Fail(e.Message);
            }
            await Console.Out.WriteAsync(rendered.Text);
            await Console.Out.FlushAsync(ct);
            if (!rendered.Signed)
            {
                await Console.Error.WriteLineAsync("warning: the team has no OpenPGP signing key, so this file is not signed (vigie pgp init-team-key).");
            }
            return 0;
        });
        return new Command("securitytxt", "The team's security.txt (RFC 9116).") { render };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 1;
    }
}
