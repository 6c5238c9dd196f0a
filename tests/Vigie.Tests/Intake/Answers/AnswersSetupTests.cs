using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigie.Features.Intake.Answers;

namespace Vigie.Tests.Intake.Answers;

// The composer as the host wires it (VigieHost.CreateBuilder), without starting the server.
public sealed class AnswersSetupTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigie-answers-host-").FullName;

    [Fact]
    public void The_host_registers_the_composer_with_the_team_name_as_tag_and_templates_under_the_data_directory()
    {
        using var app = Build();

        var options = app.Services.GetRequiredService<IOptions<AnswerOptions>>().Value;
        var composer = app.Services.GetRequiredService<AnswerComposer>();

        Assert.Equal("cegedim.cloud CSIRT", options.SubjectTag);
        Assert.Equal(Path.Combine(_data, "templates"), options.TemplateDirectory);
        Assert.Equal(Path.Combine(_data, "templates"), composer.TemplateDirectory);
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromHours(24), options.PerSenderWindow);
        Assert.Same(composer, app.Services.GetRequiredService<AnswerComposer>());
        Assert.Equal("Re: Phishing sur votre portail [cegedim.cloud CSIRT #2026-0042]", composer.Compose(AnswerKit.Context()).Subject);
    }

    [Fact]
    public void Configuration_sets_the_tag_the_window_and_a_template_directory_relative_to_the_data_directory()
    {
        using var app = Build(
            ("Vigie:Answers:SubjectTag", "CC-CSIRT"),
            ("Vigie:Answers:TemplateDirectory", "answers"),
            ("Vigie:Answers:PerSenderWindow", "12:00:00"),
            ("Vigie:Answers:Enabled", "false"));

        var options = app.Services.GetRequiredService<IOptions<AnswerOptions>>().Value;

        Assert.Equal("CC-CSIRT", options.SubjectTag);
        Assert.Equal(Path.Combine(_data, "answers"), options.TemplateDirectory);
        Assert.Equal(TimeSpan.FromHours(12), options.PerSenderWindow);
        Assert.False(options.Enabled);
        Assert.Equal("[CC-CSIRT #2026-0042]", app.Services.GetRequiredService<AnswerComposer>().TrackingTag("2026-0042"));
    }

    [Theory]
    [InlineData("Vigie:Answers:SubjectTag", "CSIRT #1", "Vigie:Answers:SubjectTag must be")]
    [InlineData("Vigie:Answers:SubjectTag", "[CSIRT]", "Vigie:Answers:SubjectTag must be")]
    // Longer than threading reads back (SubjectTag.MaxTagLength): reading every report would throw.
    [InlineData("Vigie:Answers:SubjectTag", "Computer Security Incident Response Team X", "Vigie:Answers:SubjectTag must be")]
    [InlineData("Vigie:Answers:PerSenderWindow", "-01:00:00", "Vigie:Answers:PerSenderWindow must not be negative.")]
    public void A_bad_setting_is_refused_by_its_key(string key, string value, string expected)
    {
        using var app = Build((key, value));

        var ex = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<AnswerOptions>>().Value);

        Assert.StartsWith(expected, Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private WebApplication Build(params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?> { ["Vigie:DataDirectory"] = _data };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        return VigieHost.CreateBuilder([], overrides).Build();
    }
}
