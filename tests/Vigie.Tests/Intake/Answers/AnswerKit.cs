using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Vigie.Features.Intake.Answers;
using Vigie.Features.TeamProfile;

namespace Vigie.Tests.Intake.Answers;

/// <summary>The shipped team profile, a fake clock at 2026-03-09 10:00Z, and a composer over them.</summary>
internal static class AnswerKit
{
    public static readonly DateTimeOffset Now = new(2026, 3, 9, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The shipped team-profile.json, bound and validated the way the host does it.</summary>
    public static TeamProfileOptions Team { get; } = LoadTeam();

    public static AnswerComposer Composer(string? templateDirectory = null, ListLogger<AnswerComposer>? logger = null, TeamProfileOptions? team = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "vigie-answers-no-data");
        return new AnswerComposer(
            Options.Create(team ?? Team),
            Options.Create(new AnswerOptions { TemplateDirectory = templateDirectory ?? Path.Combine(data, "templates") }),
            Options.Create(new VigieOptions { DataDirectory = data }),
            new FakeTimeProvider(Now),
            logger ?? new ListLogger<AnswerComposer>());
    }

    public static AnswerContext Context(
        AnswerKind kind = AnswerKind.Acknowledgement,
        string? subject = "Phishing sur votre portail",
        string? number = "2026-0042",
        string? language = null,
        DateTimeOffset? dueBy = null,
        string? constituent = "Clinique du Parc") => new(
            kind,
            new MailboxAddress("Alice Martin", "alice@clinique-du-parc.example"),
            subject,
            "report-1@mail.clinique-du-parc.example",
            ["root@mail.clinique-du-parc.example"],
            kind == AnswerKind.Acknowledgement ? number : null,
            kind == AnswerKind.Acknowledgement ? constituent : null,
            Now,
            dueBy,
            language);

    /// <summary>The body as text: the single text/plain part, decoded.</summary>
    public static string Text(MimeMessage message) => Assert.IsType<TextPart>(message.Body).Text;

    /// <summary>The Content-Language of the body (RFC 3282).</summary>
    public static string? Language(MimeMessage message) => Assert.IsType<TextPart>(message.Body).Headers[HeaderId.ContentLanguage];

    /// <summary>The message written as it goes on the wire (CRLF), then parsed back.</summary>
    public static (byte[] Bytes, MimeMessage Parsed) RoundTrip(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream, TestContext.Current.CancellationToken);
        var bytes = stream.ToArray();
        stream.Position = 0;
        return (bytes, MimeMessage.Load(stream, TestContext.Current.CancellationToken));
    }

    private static TeamProfileOptions LoadTeam()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.AddTeamProfile();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<TeamProfileOptions>>().Value;
    }
}

/// <summary>A logger that keeps what it is told, to check that an operator would be told about a broken template.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((logLevel, formatter(state, exception)));
}
