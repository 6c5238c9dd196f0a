using System.CommandLine;
using System.Text.Json;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Features.Privacy;

/// <summary><c>vigie privacy export EMAIL [--output FILE]</c>: what Vigie holds about a person, as JSON (docs/privacy.md).</summary>
public static class PrivacyCommands
{
    public static Command Build()
    {
        var email = new Argument<string>("EMAIL") { Description = "The person's e-mail address." };
        var output = new Option<FileInfo?>("--output") { Description = "Write the JSON to this file (created; refused if it exists) instead of standard output." };
        var export = new Command("export", "Everything held about a person, for an access request (JSON).") { email, output };
        export.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<PersonalDataExport>().ExportAsync(parse.GetValue(email), ct);
            if (!result.IsSuccess)
            {
                return IdentityCommands.Fail(result.Error!.Fields?.SelectMany(f => f.Value).FirstOrDefault() ?? result.Error.Message);
            }
            var json = JsonSerializer.Serialize(result.Value, new JsonSerializerOptions(JsonSerializerDefaults.Web)
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            });
            if (parse.GetValue(output) is { } file)
            {
                try
                {
                    await using var stream = new FileStream(file.FullName, FileMode.CreateNew, FileAccess.Write);
                    await using var writer = new StreamWriter(stream);
                    await writer.WriteAsync(json);
                }
                catch (IOException e)
                {
                    return IdentityCommands.Fail($"--output: {file.FullName} cannot be written ({e.Message}).");
                }
                Console.Error.WriteLine($"{result.Value!.Count} record(s) about {result.Value.Email} written to {file.FullName}.");
                return 0;
            }
            Console.Out.WriteLine(json);
            return 0;
        });
        return new Command("privacy", "Personal data: what Vigie holds about a person.") { export };
    }
}
