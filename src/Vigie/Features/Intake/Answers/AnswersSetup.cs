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
            // Replies are threaded by "[tag #number]": the tag must be one SubjectTag can find again.
            .Validate(o => Core.Intake.SubjectTag.IsValidTag(o.SubjectTag, out _),
                $"{AnswerOptions.Section}:SubjectTag must be 1 to {Core.Intake.SubjectTag.MaxTagLength} printable characters without '[', ']', '#', "
                + "control characters, or white space at either end.")
            .Validate(o => o.PerSenderWindow >= TimeSpan.Zero, $"{AnswerOptions.Section}:PerSenderWindow must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AnswerComposer>();
        return builder;
    }
}
