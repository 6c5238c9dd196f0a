using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;

namespace Vigie.Tests.OnCall;

/// <summary>One request the webhook target received.</summary>
internal sealed record HookCall(string Body, string? Secret);

/// <summary>
/// A local webhook target: a real HttpListener on 127.0.0.1 (never an external host) that records
/// what Vigie posts, and answers with <see cref="Status"/>.
/// </summary>
internal sealed class WebhookTarget : IDisposable
{
    private readonly HttpListener _listener = new();

    public WebhookTarget()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/hook/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook/";

    public ConcurrentQueue<HookCall> Calls { get; } = new();

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            Calls.Enqueue(new HookCall(await reader.ReadToEndAsync(), context.Request.Headers["X-Vigie-Secret"]));
            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

/// <summary>The intake host (SMTP sink as relay, Lilas with a contract) with on-call on, a webhook target and two on-call analysts.</summary>
public abstract class OnCallApp : IntakeApp
{
    internal WebhookTarget Hook { get; } = new();

    public const string Alice = "alice@csirt.test";
    public const string Bob = "bob@csirt.test";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (Unavailable)
        {
            return;
        }
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        AddUser(db, Alice, UserRole.Analyst, TokenScope.Write, null);
        AddUser(db, Bob, UserRole.Analyst, TokenScope.Write, null);
        await db.SaveChangesAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var settings = new Dictionary<string, string>(base.ExtraSettings())
        {
            ["Vigie:OnCall:Enabled"] = "true",
            ["Vigie:OnCall:RunSeconds"] = "3600", // the tests drive RunAsync themselves
            ["Vigie:OnCall:Webhook:Url"] = Hook.Url,
            ["Vigie:OnCall:Webhook:Secret"] = "s3cret-hook",
            ["Vigie:OnCall:PublicUrl"] = "https://vigie.csirt.test/",
            ["Vigie:OnCall:EscalateAfterMinutes"] = "15",
        };
        return settings;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Hook.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Moves the clock at least a week forward, to the given local day and time in Europe/Paris (tests' shifts
    /// never meet). A weekday is always a working day: a public holiday (a Tuesday Christmas) is skipped, or
    /// "during business hours" would depend on which date the tests that ran before left the clock at.
    /// </summary>
    public DateTimeOffset MoveToNext(DayOfWeek day, int hour, int minute = 0)
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var calendar = Services.GetRequiredService<Vigie.Core.Sla.BusinessCalendar>();
        bool Holiday(DateTime date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
            && !calendar.IsOpen(NodaTime.Instant.FromDateTimeOffset(new DateTimeOffset(date.AddHours(11), paris.GetUtcOffset(date.AddHours(11)))));
        var local = TimeZoneInfo.ConvertTime(Time.GetUtcNow(), paris).Date.AddDays(7);
        while (local.DayOfWeek != day || Holiday(local))
        {
            local = local.AddDays(1);
        }
        var target = local.AddHours(hour).AddMinutes(minute);
        var at = new DateTimeOffset(target, paris.GetUtcOffset(target));
        Time.SetUtcNow(at.ToUniversalTime());
        return at;
    }

    public static string Invariant(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}

public sealed class OnCallSqliteApp : OnCallApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class OnCallPostgresApp : OnCallApp
{
    public override Provider Provider => Provider.Postgres;
}
