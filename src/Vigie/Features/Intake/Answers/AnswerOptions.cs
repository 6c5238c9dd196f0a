using Vigie.Features.TeamProfile;

namespace Vigie.Features.Intake.Answers;

/// <summary>Automatic answers (<c>Vigie:Answers</c>), documented in docs/answers.md.</summary>
public sealed class AnswerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Vigie:Answers";

    /// <summary>Name of the override directory under the data directory when <see cref="TemplateDirectory"/> is not set.</summary>
    public const string DefaultTemplateDirectoryName = "templates";

    /// <summary>
    /// Tag put in the subject with the incident number, <c>[{SubjectTag} #{number}]</c>; replies are threaded by it.
    /// Empty means the team's name (<see cref="TeamProfileOptions.Name"/>); the host fills it in at start.
    /// </summary>
    public string SubjectTag { get; set; } = "";

    /// <summary>
    /// Directory whose <c>*.liquid</c> files override the built-in templates of the same name; re-read when a file changes.
    /// Null means <c>&lt;DataDirectory&gt;/templates</c>; a relative path is relative to the data directory.
    /// </summary>
    public string? TemplateDirectory { get; set; }

    /// <summary>Whether automatic answers are sent at all (read by the sender, not by the composer).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At most one automatic answer per sender within this window (issue 3 §6; read by the sender).</summary>
    public TimeSpan PerSenderWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The tag to use: <see cref="SubjectTag"/>, else the team's name.</summary>
    public string GetSubjectTag(TeamProfileOptions team)
    {
        ArgumentNullException.ThrowIfNull(team);
        return string.IsNullOrWhiteSpace(SubjectTag) ? team.Name.Trim() : SubjectTag.Trim();
    }

    /// <summary>The override directory as an absolute path (see <see cref="TemplateDirectory"/>).</summary>
    public string GetTemplateDirectory(VigieOptions vigie)
    {
        ArgumentNullException.ThrowIfNull(vigie);
        return string.IsNullOrWhiteSpace(TemplateDirectory)
            ? Path.Combine(vigie.DataPath, DefaultTemplateDirectoryName)
            : Path.GetFullPath(TemplateDirectory, vigie.DataPath);
    }
}
