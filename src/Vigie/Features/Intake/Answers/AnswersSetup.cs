using Microsoft.Extensions.Options;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Intake.Answers;

/// <summary>Wires the automatic answers: <see cref="AnswerOptions"/> (<c>Vigie:Answers</c>) and the <see cref="AnswerComposer"/> singleton.</summary>
public static class AnswersSetup
{
    /// <summary>
    /// Binds <see cref="AnswerOptions"/>, fills in the defaults that depend on other options (the tag is
    /// the team's name, templates live in <c>&lt;DataDirectory&gt;/templates</c>) so that every reader sees
    /// the effective values, validates them at start-up, and registers <see cref="AnswerComposer"/>.
    /// </summary>
    public static WebApplicationBuilder AddAnswers(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AnswerOptions>()
            .BindConfiguration(AnswerOptions.Section)
            .PostConfigure<IOptions<TeamProfileOptions>, IOptions<VigieOptions>>((o, team, vigie) =>
            {
                o.SubjectTag = o.GetSubjectTag(team.Value);
                o.TemplateDirectory = o.GetTemplateDirectory(vigie.Value);
            })
            // Replies are threaded by "[tag #number]": a tag holding brackets or '#' could not be found again.
            .Validate(
                o => o.SubjectTag.Length > 0 && o.SubjectTag.Length <= AnswerText.MaxNameLength
                    && !o.SubjectTag.Any(c => c is '[' or ']' or '#' || char.IsControl(c)),
                $"{AnswerOptions.Section}:SubjectTag must be 1 to {AnswerText.MaxNameLength} characters without '[', ']', '#' or control characters.")
            .Validate(o => o.PerSenderWindow >= TimeSpan.Zero, $"{AnswerOptions.Section}:PerSenderWindow must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AnswerComposer>();
        return builder;
    }
}
