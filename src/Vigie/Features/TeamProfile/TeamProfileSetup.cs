using System.Text;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.TeamProfile;

/// <summary>Wires the team profile (RFC 2350 facts) into a host: configuration source, options, validation.</summary>
public static class TeamProfileSetup
{
    /// <summary>Name of the shipped default profile, copied next to the binary.</summary>
    public const string DefaultFileName = "team-profile.json";

    /// <summary>
    /// Adds the profile file as the <em>first</em> configuration source, so that every source the host
    /// already has or adds later (appsettings, environment <c>Vigie__Team__…</c>, command line) overrides it key by key.
    /// The file is the shipped <c>team-profile.json</c>, or the operator's own full profile named by
    /// <c>Vigie:TeamProfileFile</c> (relative to the content root), which then replaces the default entirely.
    /// Binds <see cref="TeamProfileOptions"/> from <c>Vigie:Team</c>, validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddTeamProfile(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Twice would insert the file twice and register the validator twice: the second call is a no-op.
        if (builder.Configuration.Sources.OfType<TeamProfileConfigurationSource>().Any())
        {
            return builder;
        }

        // Read before inserting the profile, so the operator's choice comes from the host's own sources.
        var configured = builder.Configuration[TeamProfileOptions.ProfileFileKey];
        var (path, key) = string.IsNullOrWhiteSpace(configured)
            ? (Path.Combine(AppContext.BaseDirectory, DefaultFileName), (string?)null)
            : (Path.GetFullPath(configured, builder.Environment.ContentRootPath), TeamProfileOptions.ProfileFileKey);

        // Optional so that a missing file is reported by the validator, by key, instead of a
        // FileNotFoundException stack trace. No reload: the profile is validated once, at start.
        var source = new TeamProfileConfigurationSource { Path = path, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        // A later source overrides an earlier one: index 0 makes the profile the weakest layer.
        builder.Configuration.Sources.Insert(0, source);

        builder.Services.AddOptions<TeamProfileOptions>()
            .Bind(builder.Configuration.GetSection(TeamProfileOptions.Section))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<TeamProfileOptions>>(new TeamProfileValidator(path, key)));
        return builder;
    }

    /// <summary>
    /// A readable multi-line message for an operator, printed by the host at start-up instead of a stack trace:
    /// <c>The team profile is invalid:\n - Vigie:Team:IncidentEmail: 'foo' is not a valid e-mail address</c>.
    /// </summary>
    public static string Describe(OptionsValidationException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var sb = new StringBuilder();
        sb.Append(ex.OptionsType == typeof(TeamProfileOptions)
            ? "The team profile is invalid:"
            : $"The {ex.OptionsType.Name} configuration is invalid:");
        // Failures holds one entry per bad key (the validator passes a list), unlike Message which joins them with "; ".
        foreach (var failure in ex.Failures)
        {
            sb.Append("\n - ").Append(failure);
        }

        if (ex.OptionsType == typeof(TeamProfileOptions))
        {
            sb.Append("\nFix these keys in the profile file (team-profile.json or the file named by ")
                .Append(TeamProfileOptions.ProfileFileKey)
                .Append("), appsettings.json, or environment variables such as Vigie__Team__IncidentEmail; see docs/team-profile.md.");
        }

        return sb.ToString();
    }

    /// <summary>Marks the profile's source so that AddTeamProfile can tell it was already added.</summary>
    private sealed class TeamProfileConfigurationSource : JsonConfigurationSource;
}
