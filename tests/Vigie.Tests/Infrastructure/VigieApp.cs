using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The whole Vigie host over a real database (SQLite file or PostgreSQL database of its own),
/// migrated by the host's own start-up path, with one user and token per role. Subclassed once
/// per provider so every persistence test runs on both.
/// </summary>
public abstract class VigieApp : IAsyncLifetime
{
    private readonly Dictionary<string, string> _tokens = [];
    private WebApplicationFactory<Program>? _factory;
    private string? _pgDatabase;

    public abstract Provider Provider { get; }

    /// <summary>Serve on a loopback port (for browser tests) instead of the in-memory test server.</summary>
    protected virtual bool Kestrel => false;

    /// <summary>The host's address when <see cref="Kestrel"/> is on, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("vigie-test-").FullName;

    /// <summary>The database connection string (PostgreSQL) or null (SQLite file in the data dir).</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>The clock of the host; tests move it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero));

    public bool Unavailable { get; private set; }

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    public virtual async ValueTask InitializeAsync()
    {
        if (Provider == Provider.Postgres)
        {
            var db = await PostgresServer.CreateDatabaseAsync();
            if (db is null)
            {
                Unavailable = true;
                return;
            }
            (ConnectionString, _pgDatabase) = db.Value;
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in Settings())
            {
                web.UseSetting(key, value);
            }
            web.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                ConfigureServices(services);
            });
        });
        if (Kestrel)
        {
            // A real socket, so that a browser can reach the host (TOOLCHAIN.md §4).
            _factory.UseKestrel();
            _factory.StartServer();
        }
        else
        {
            _ = _factory.Server; // starts the host: options validation and migrations run here
        }

        await using var scope = Services.CreateAsyncScope();
        var vigie = scope.ServiceProvider.GetRequiredService<VigieDb>();
        foreach (var (name, role, scopeName) in new[]
        {
            ("admin", UserRole.Admin, TokenScope.Admin),
            ("lead", UserRole.Lead, TokenScope.Write),
            ("analyst", UserRole.Analyst, TokenScope.Write),
            ("analyst-readonly", UserRole.Analyst, TokenScope.Read),
            ("auditor", UserRole.Auditor, TokenScope.Read),
        })
        {
            _tokens[name] = AddUser(vigie, $"{name}@csirt.test", role, scopeName, null);
        }
        await vigie.SaveChangesAsync();
    }

    /// <summary>Configuration the host runs with (also used to start the CLI against the same database).</summary>
    public IReadOnlyDictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Vigie:DataDirectory"] = DataDirectory,
            ["Vigie:Database:Provider"] = Provider.ToString(),
            ["Vigie:Database:MigrateOnStart"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // Test hosts run side by side: none takes the SMTP port unless its class asks for it.
            ["Vigie:Smtp:Enabled"] = "false",
            // A page that shows a string missing from its resource file fails the test that renders it.
            ["Vigie:Ui:StrictStrings"] = "true",
            // Every sign-in of a test host comes from 127.0.0.1: the per-client limit is the Identity tests' business.
            ["Vigie:Accounts:SignInPermitLimit"] = "100000",
            // Likewise for the public endpoints (the matrix alone calls each of them as seven people): PublicLimitTests owns that limit.
            ["Vigie:Web:PublicRequestsPerMinute"] = "100000",
        };
        if (ConnectionString is not null)
        {
            settings["Vigie:Database:ConnectionString"] = ConnectionString;
        }
        if (Kestrel)
        {
            // Never the configured default port: several test hosts (and a developer's server) run at once.
            settings["Urls"] = "http://127.0.0.1:0";
        }
        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Services a fixture adds to the host (e.g. a logger provider that keeps what was logged).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Configuration a fixture adds or overrides (e.g. Vigie:Smtp:Port); applied last.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>();

    public IServiceProvider Services
    {
        get
        {
            SkipIfUnavailable();
            return Factory.Services;
        }
    }

    /// <summary>An HTTP client authenticated as one of the seeded users (admin, lead, analyst, analyst-readonly, auditor), or anonymous.</summary>
    public HttpClient Client(string? user = "analyst")
    {
        SkipIfUnavailable();
        var client = Factory.CreateClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        }
        return client;
    }

    public string Token(string user) => _tokens[user];

    /// <summary>The password of every seeded user (workspace sign-in tests).</summary>
    public const string TestPassword = "test-password-0123";

    /// <summary>The TOTP secret (Base32) of every seeded staff user: the sign-in helpers compute its codes.</summary>
    public const string TestTotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /// <summary>
    /// The current code of <paramref name="email"/>'s second factor (<see cref="TestTotpSecret"/>). The
    /// user's last accepted step is forgotten first: the test clock stands still, and a code is never
    /// accepted twice in the same step, yet a test may sign the same user in several times.
    /// </summary>
    public async Task<string> TotpCodeAsync(string email)
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
            db.Users.Where(u => u.Email == email), u => u.SetProperty(x => x.TotpLastStep, (long?)null));
        return scope.ServiceProvider.GetRequiredService<TwoFactor>().CurrentCode(TestTotpSecret);
    }

    /// <summary>Adds a user with a token; returns the token. Staff get <see cref="TestTotpSecret"/> as an enrolled second factor unless <paramref name="secondFactor"/> is false.</summary>
    public string AddUser(VigieDb db, string email, UserRole role, TokenScope scope, Guid? constituentId, DateTimeOffset? expires = null,
        string password = TestPassword, string? fullName = null, bool secondFactor = true)
    {
        var now = Time.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            FullName = fullName ?? email,
            Role = role,
            ConstituentId = constituentId,
            CreatedAt = now,
        };
        user.PasswordHash = new PasswordHasher<User>().HashPassword(user, password);
        if (secondFactor && user.IsStaff)
        {
            user.TotpSecret = Services.GetRequiredService<TwoFactor>().Protect(TestTotpSecret);
            user.TotpEnabledAt = now;
        }
        var token = ApiTokens.NewToken();
        db.Users.Add(user);
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Name = "test",
            Prefix = ApiTokens.DisplayPrefix(token),
            Hash = ApiTokens.Hash(token),
            Scope = scope,
            CreatedAt = now,
            ExpiresAt = expires,
        });
        return token;
    }

    /// <summary>A scope with a fresh DbContext, to look at what the API really wrote.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public void SkipIfUnavailable()
    {
        if (Unavailable)
        {
            Assert.Skip(PostgresServer.SkipReason);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_pgDatabase is not null)
        {
            await PostgresServer.DropDatabaseAsync(_pgDatabase);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown is not worth failing a test run for.
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp : VigieApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class PostgresApp : VigieApp
{
    public override Provider Provider => Provider.Postgres;
}
