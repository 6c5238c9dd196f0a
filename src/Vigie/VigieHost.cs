using Microsoft.AspNetCore.DataProtection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;
using Vigie.Data;
using Vigie.Features.Constituents;
using Vigie.Features.Correspondence;
using Vigie.Features.Evidence;
using Vigie.Features.Health;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Intake;
using Vigie.Features.Intake.Answers;
using Vigie.Features.Lookup;
using Vigie.Features.Pgp;
using Vigie.Features.Playbooks;
using Vigie.Features.Triage;
using Vigie.Features.Mail;
using Vigie.Features.Metrics;
using Vigie.Features.OnCall;
using Vigie.Features.Privacy;
using Vigie.Features.PublicSite;
using Vigie.Features.Reports;
using Vigie.Features.Reviews;
using Vigie.Features.Search;
using Vigie.Features.Sla;
using Vigie.Features.TeamProfile;
using Vigie.Web;

namespace Vigie;

/// <summary>Builds the host: the same services for the web server and for every CLI command.</summary>
public static class VigieHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The content root is the working directory (so ./data is where the operator stands); the
        // shipped appsettings.json sits next to the binary. Read it first, so that a file in the
        // working directory, the environment and the command line all override it.
        var baseDir = Path.GetFullPath(AppContext.BaseDirectory).TrimEnd('/');
        if (Path.GetFullPath(builder.Environment.ContentRootPath).TrimEnd('/') != baseDir)
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = "appsettings.json",
                Optional = true,
                FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(baseDir),
            });
        }
        if (overrides is { Count: > 0 })
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        builder.AddTeamProfile();
        builder.Services.AddOptions<VigieOptions>().BindConfiguration(VigieOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Vigie:DataDirectory must not be empty.")
            .ValidateOnStart();
        builder.AddVigieData();
        // One application name, so the CLI and the server (different content roots) share protected values.
        builder.Services.AddDataProtection().SetApplicationName("Vigie");
        builder.Services.AddSingleton<SecretValues>();
        builder.Services.AddHostedService<SecretsStartupCheck>();
        builder.AddPgp();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<VigieExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new NulRefusingStringConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Vigie API";
            doc.Info.Description = "CSIRT operations platform. Authenticate with 'Authorization: Bearer vgt_…' (vigie token create).";
            return Task.CompletedTask;
        }));
        builder.AddVigieWeb();
        OidcSignIn.AddVigieOidc(builder);
        builder.AddVigieProxy();
        builder.Services.AddAuthorizationBuilder().AddVigiePolicies();
        builder.Services.AddVigieHealth();

        builder.Services.AddScoped<IncidentService>();
        builder.Services.AddScoped<ConstituentService>();
        builder.Services.AddScoped<ReportIntake>();
        builder.Services.AddSingleton<ReportCommitter>();
        builder.Services.AddSingleton<ConstituentDirectory>();
        builder.Services.AddSingleton<TeamTime>();
        builder.Services.AddScoped<TriageService>();
        builder.Services.AddScoped<PlaybookService>();
        builder.Services.AddHostedService<PlaybookSeeder>();
        builder.Services.AddSearch();
        builder.AddIntake();
        builder.AddAnswers();
        builder.AddMail();
        builder.AddCorrespondence();
        builder.AddEvidence();
        builder.AddReviews();
        builder.AddSla();
        builder.AddOnCall();
        builder.AddPublicSite();
        builder.AddRfc2350();
        builder.AddPublicFace();
        builder.AddContactForm();
        builder.Services.AddScoped<PersonalDataExport>();
        Features.Retention.RetentionSetup.AddRetention(builder);
        Features.Watch.WatchSetup.AddVulnerabilityWatch(builder);
        builder.Services.AddScoped<TokenService>();
        builder.Services.AddSlaMetrics();
        Features.Portal.PortalSetup.AddPortal(builder);
        Features.Audit.AuditSetup.AddAudit(builder);
        return builder;
    }

    public static WebApplication BuildApp(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseVigieProxy();
        app.UseExceptionHandler();
        // The API answers bare status codes as problem details; pages re-render the "not found" page.
        // A page request is re-executed as the status page, with its method: a GET, or a form post (the page
        // takes it without antiforgery). Any other body (JSON to a non-API path) gets the bare status, not a 400
        // from a page that cannot read it.
        static bool PageLike(HttpContext c) => !c.Request.Path.StartsWithSegments("/api")
            && (HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method) || c.Request.HasFormContentType);
        app.UseWhen(c => !PageLike(c), other => other.UseStatusCodePages());
        app.UseWhen(PageLike, pages => pages.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        app.UseVigieWeb();
        app.UseRouting();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseMiddleware<NulGuardMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        Features.Audit.AuditSetup.UseAudit(app);
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o => o.WithTitle("Vigie API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();
        app.MapVigieHealth();
        app.MapConstituents();
        app.MapLookup();
        app.MapIncidents();
        app.MapReports();
        app.MapCorrespondence();
        app.MapTriage();
        app.MapMetrics();
        app.MapPlaybooks();
        app.MapEvidence();
        app.MapReviews();
        app.MapSearch();
        app.MapSla();
        app.MapRfc2350();
        app.MapPublicFace();
        app.MapPrivacy();
        app.MapTokens();
        Features.Portal.PortalApi.MapPortal(app);
        Features.Audit.AuditApi.MapAudit(app);
        Features.Watch.WatchSetup.MapVulnerabilityWatch(app);
        OidcSignIn.MapOidcSignIn(app);
        app.MapVigieWeb();
        return app;
    }
}
