using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Web;

/// <summary>
/// The authorization matrix (issue 7): for every API route, file endpoint and page of the host, which of
/// anonymous, a constituent contact, an auditor, a read-only analyst token, an analyst, a lead and an
/// admin may use it, written out here and checked by calling each one as each of them. A route added
/// later without a line in <see cref="Matrix"/> makes the test fail, as does a route that lets in someone
/// its line does not, or shuts out someone it names.
/// </summary>
public sealed partial class AuthorizationMatrixTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Who may do what, by the people of the matrix (never derived from Policies.cs: that would test it against itself).</summary>
    private enum Access
    {
        /// <summary>Anyone, signed in or not: public pages and files, health, API description.</summary>
        Public,

        /// <summary>Any staff member: admin, lead, analyst (either token), auditor.</summary>
        Staff,

        /// <summary>Staff who change things: admin, lead, analyst with a write token.</summary>
        Write,

        /// <summary>Managing the team's shared tools (playbooks, templates): admin and lead.</summary>
        Manage,

        /// <summary>Publishing the team's public documents: admin and lead.</summary>
        Publish,

        /// <summary>Administration (an admin with an admin token): personal-data export, users.</summary>
        Admin,

        /// <summary>Reading the audit log: auditors and admins.</summary>
        Audit,

        /// <summary>
        /// Constituent contacts only (the portal, docs/portal.md): a contact of an organisation, with a write
        /// token here (read-only tokens are checked in PortalIsolationTests); staff are shut out.
        /// </summary>
        Contact,

        /// <summary>Anyone signed in (signing out).</summary>
        SignedIn,

        /// <summary>
        /// The second step of signing in (code, enrolment): only with the first step's short-lived cookie,
        /// which none of the matrix's people hold, so everyone is sent back to the sign-in page.
        /// </summary>
        SecondStep,
    }

    private static readonly string[] People = ["anonymous", "constituent", "auditor", "analyst-readonly", "analyst", "lead", "admin"];

    private static readonly Dictionary<Access, string[]> Allowed = new()
    {
        [Access.Public] = People,
        [Access.Staff] = ["auditor", "analyst-readonly", "analyst", "lead", "admin"],
        [Access.Write] = ["analyst", "lead", "admin"],
        [Access.Manage] = ["lead", "admin"],
        [Access.Publish] = ["lead", "admin"],
        [Access.Admin] = ["admin"],
        [Access.Audit] = ["auditor", "admin"],
        [Access.SecondStep] = [],
        [Access.Contact] = ["constituent"],
        [Access.SignedIn] = ["constituent", "auditor", "analyst-readonly", "analyst", "lead", "admin"],
    };

    /// <summary>"METHOD route" for endpoints, "PAGE route" for pages (checked with GET).</summary>
    private static readonly Dictionary<string, Access> Matrix = new(StringComparer.Ordinal)
    {
        // Infrastructure and the public face.
        ["GET /health"] = Access.Public,
        ["GET /api/docs/{documentName?}"] = Access.Public,
        ["GET /api/docs/favicon.svg"] = Access.Public,
        ["GET /api/docs/scalar.js"] = Access.Public,
        ["GET /api/docs/scalar.aspnetcore.js"] = Access.Public,
        ["GET /_framework/opaque-redirect"] = Access.Public,
        ["GET /openapi/{documentName}.json"] = Access.Public,
        ["GET /culture/{culture}"] = Access.Public,
        ["GET /rfc2350"] = Access.Public,
        ["GET /rfc2350/rfc2350-{lang:length(2)}.txt"] = Access.Public,
        ["GET /rfc2350/rfc2350-{lang:length(2)}.txt.asc"] = Access.Public,
        ["GET /rfc2350/rfc2350-{lang:length(2)}.txt.sig"] = Access.Public,
        ["GET /rfc2350/{version}/rfc2350-{lang:length(2)}.txt"] = Access.Public,
        ["GET /rfc2350/{version}/rfc2350-{lang:length(2)}.txt.asc"] = Access.Public,
        ["GET /rfc2350/{version}/rfc2350-{lang:length(2)}.txt.sig"] = Access.Public,
        ["GET /.well-known/security.txt"] = Access.Public,
        ["GET /.well-known/csaf/provider-metadata.json"] = Access.Public,
        ["GET /.well-known/csaf/white/{year:int}/{file}"] = Access.Public,
        ["GET /.well-known/csaf/white/changes.csv"] = Access.Public,
        ["GET /.well-known/csaf/white/csaf-feed-tlp-white.json"] = Access.Public,
        ["GET /.well-known/csaf/white/index.txt"] = Access.Public,
        ["GET /security.txt"] = Access.Public,
        ["GET /team-key.asc"] = Access.Public,
        ["PAGE /signin"] = Access.Public,
        ["PAGE /signin/code"] = Access.SecondStep,
        ["PAGE /signin/enrol"] = Access.SecondStep,
        // Starts the OpenID Connect sign-in (404 on this host: no provider configured; OidcSignInTests runs it).
        ["GET /signin/oidc"] = Access.Public,
        ["PAGE /forbidden"] = Access.Public,
        ["PAGE /not-found"] = Access.Public,
        ["PAGE /status/{Code:int}"] = Access.Public,
        ["PAGE /contact"] = Access.Public,
        ["PAGE /oncall/ack/{Token}"] = Access.Public,
        ["PAGE /rfc2350/{Lang:nonfile}"] = Access.Public,
        ["PAGE /rfc2350/{Lang}/v/{Version}"] = Access.Public,
        ["PAGE /rfc2350/{Lang}/history"] = Access.Public,
        ["PAGE /rfc2350/{Lang}/diff/{From}/{To}"] = Access.Public,
        ["POST /signout"] = Access.SignedIn,

        // Constituents.
        ["GET /api/v1/constituents/"] = Access.Staff,
        ["GET /api/v1/constituents/{id:guid}"] = Access.Staff,
        ["POST /api/v1/constituents/"] = Access.Write,
        ["PUT /api/v1/constituents/{id:guid}"] = Access.Write,
        ["DELETE /api/v1/constituents/{id:guid}"] = Access.Write,
        ["POST /api/v1/constituents/{id:guid}/contacts"] = Access.Write,
        ["PUT /api/v1/constituents/{id:guid}/contacts/{contactId:guid}"] = Access.Write,
        ["DELETE /api/v1/constituents/{id:guid}/contacts/{contactId:guid}"] = Access.Write,
        ["POST /api/v1/constituents/{id:guid}/scopes"] = Access.Write,
        ["DELETE /api/v1/constituents/{id:guid}/scopes/{scopeId:guid}"] = Access.Write,
        ["GET /api/v1/constituents/{id:guid}/inventory/"] = Access.Staff,
        ["POST /api/v1/constituents/{id:guid}/inventory/"] = Access.Write,
        ["PUT /api/v1/constituents/{id:guid}/inventory/{itemId:guid}"] = Access.Write,
        ["DELETE /api/v1/constituents/{id:guid}/inventory/{itemId:guid}"] = Access.Write,
        ["POST /api/v1/constituents/{id:guid}/inventory/import"] = Access.Write,
        ["GET /api/v1/vulnerabilities/"] = Access.Staff,
        ["GET /api/v1/vulnerabilities/{id}"] = Access.Staff,
        ["POST /api/v1/vulnerabilities/import"] = Access.Publish,
        ["GET /api/v1/watch/"] = Access.Staff,
        ["POST /api/v1/watch/{id:guid}/decision"] = Access.Write,
        ["GET /api/v1/watch/alerts"] = Access.Staff,
        ["POST /api/v1/watch/alerts/{id:guid}/ack"] = Access.Write,
        ["POST /api/v1/watch/rematch"] = Access.Publish,
        ["GET /api/v1/advisories/"] = Access.Staff,
        ["GET /api/v1/advisories/{key}"] = Access.Staff,
        ["GET /api/v1/advisories/{key}/csaf"] = Access.Staff,
        ["POST /api/v1/advisories/"] = Access.Write,
        ["PUT /api/v1/advisories/{key}"] = Access.Write,
        ["POST /api/v1/advisories/{key}/publish"] = Access.Write,
        ["POST /api/v1/advisories/{key}/distribute"] = Access.Write,
        ["GET /api/v1/lookup"] = Access.Staff,
        ["PAGE /constituents"] = Access.Staff,
        ["PAGE /constituents/{Id:guid}"] = Access.Staff,
        ["PAGE /constituents/{Id:guid}/inventory"] = Access.Staff,
        ["PAGE /vulnerabilities"] = Access.Staff,
        ["PAGE /vulnerabilities/{Id}"] = Access.Staff,
        ["PAGE /watch"] = Access.Staff,
        ["PAGE /advisories/manage"] = Access.Staff,
        ["PAGE /advisories/manage/{Id:guid}"] = Access.Staff,
        ["PAGE /advisories"] = Access.Public,
        ["PAGE /advisories/{TrackingId}"] = Access.Public,
        ["GET /advisories.atom"] = Access.Public,

        // Incidents and what hangs on them.
        ["GET /api/v1/incidents/"] = Access.Staff,
        ["POST /api/v1/incidents/"] = Access.Write,
        ["GET /api/v1/incidents/taxonomy"] = Access.Staff,
        ["GET /api/v1/incidents/{key}"] = Access.Staff,
        ["PATCH /api/v1/incidents/{key}"] = Access.Write,
        ["POST /api/v1/incidents/{key}/transitions"] = Access.Write,
        ["GET /api/v1/incidents/{key}/timeline"] = Access.Staff,
        ["GET /api/v1/incidents/{key}/observables"] = Access.Staff,
        ["POST /api/v1/incidents/{key}/observables"] = Access.Write,
        ["GET /api/v1/incidents/{key}/tasks"] = Access.Staff,
        ["POST /api/v1/incidents/{key}/tasks"] = Access.Write,
        ["POST /api/v1/incidents/{key}/tasks/{taskId:guid}/finish"] = Access.Write,
        ["POST /api/v1/incidents/{key}/playbook"] = Access.Write,
        ["GET /api/v1/incidents/{key}/correspondence"] = Access.Staff,
        ["POST /api/v1/incidents/{key}/messages"] = Access.Write,
        ["POST /api/v1/incidents/{key}/notifications"] = Access.Write,
        ["POST /api/v1/incidents/{key}/parties"] = Access.Write,
        ["POST /api/v1/incidents/{key}/consents"] = Access.Write,
        ["GET /api/v1/incidents/{key}/evidence/"] = Access.Staff,
        ["POST /api/v1/incidents/{key}/evidence/"] = Access.Write,
        ["GET /api/v1/incidents/{key}/evidence/{id:guid}/content"] = Access.Staff,
        ["GET /api/v1/incidents/{key}/review/"] = Access.Staff,
        ["PUT /api/v1/incidents/{key}/review/"] = Access.Write,
        ["GET /api/v1/incidents/{key}/sla"] = Access.Staff,
        ["POST /api/v1/incidents/{key}/waiting"] = Access.Write,
        ["GET /incidents/{number}/report"] = Access.Staff,
        ["GET /incidents/{number}/report.pdf"] = Access.Staff,
        ["POST /incidents/{number}/evidence"] = Access.Write,
        ["POST /constituents/{id:guid}/inventory/import"] = Access.Write,
        ["PAGE /"] = Access.Staff,
        ["PAGE /incidents"] = Access.Staff,
        ["PAGE /incidents/{Number}"] = Access.Staff,
        ["PAGE /incidents/new"] = Access.Write,
        ["PAGE /search"] = Access.Staff,
        ["GET /api/v1/search"] = Access.Staff,

        // Reports and triage.
        ["GET /api/v1/reports/"] = Access.Staff,
        ["POST /api/v1/reports/"] = Access.Write,
        ["GET /api/v1/reports/queue"] = Access.Staff,
        ["GET /api/v1/reports/{id:guid}"] = Access.Staff,
        ["GET /api/v1/reports/{id:guid}/raw"] = Access.Staff,
        ["GET /api/v1/reports/{id:guid}/attachments/{attachmentId:guid}"] = Access.Staff,
        ["POST /api/v1/reports/{id:guid}/reprocess"] = Access.Write,
        ["POST /api/v1/reports/{id:guid}/triage"] = Access.Write,
        ["POST /api/v1/reports/triage"] = Access.Write,
        ["PAGE /reports/{Id:guid}"] = Access.Staff,
        ["PAGE /triage"] = Access.Staff,
        ["PAGE /triage/attach"] = Access.Staff,

        // Playbooks and templates: everyone reads them, leads edit them.
        ["GET /api/v1/playbooks/"] = Access.Staff,
        ["GET /api/v1/playbooks/{id:guid}"] = Access.Staff,
        ["POST /api/v1/playbooks/"] = Access.Manage,
        ["PUT /api/v1/playbooks/{id:guid}"] = Access.Manage,
        ["DELETE /api/v1/playbooks/{id:guid}"] = Access.Manage,
        ["PAGE /playbooks"] = Access.Staff,
        ["PAGE /playbooks/new"] = Access.Manage,
        ["PAGE /playbooks/{Id:guid}"] = Access.Staff,
        ["PAGE /correspondence/templates"] = Access.Manage,
        ["PAGE /correspondence/templates/{Key}/{Language}"] = Access.Manage,

        // SLA, on-call, metrics, publication.
        ["GET /api/v1/sla/due"] = Access.Staff,
        ["PAGE /sla"] = Access.Staff,
        ["PAGE /oncall"] = Access.Staff,
        ["GET /api/v1/metrics/sla"] = Access.Staff,
        ["PAGE /reports/sla/{Month}"] = Access.Staff,
        ["GET /reports/sla/{month}/report.html"] = Access.Staff,
        ["GET /reports/sla/{month}/report.pdf"] = Access.Staff,
        ["GET /reports/sla/{month}/summary.csv"] = Access.Staff,
        ["GET /reports/sla/{month}/incidents.csv"] = Access.Staff,
        ["GET /api/v1/rfc2350/versions"] = Access.Staff,
        ["GET /api/v1/rfc2350/draft"] = Access.Staff,
        ["POST /api/v1/rfc2350/versions"] = Access.Publish,
        ["PAGE /publication"] = Access.Staff,

        // One's own API tokens.
        ["GET /api/v1/tokens/"] = Access.Staff,
        ["POST /api/v1/tokens/"] = Access.Staff,
        ["DELETE /api/v1/tokens/{id:guid}"] = Access.Staff,
        ["PAGE /account/tokens"] = Access.Staff,
        ["PAGE /account/sessions"] = Access.Staff,

        // The audit log: auditors and admins.
        ["GET /api/v1/audit"] = Access.Audit,
        ["GET /audit/export.csv"] = Access.Audit,
        ["PAGE /audit"] = Access.Audit,

        // The constituent portal: contacts only.
        ["GET /api/v1/portal/incidents"] = Access.Contact,
        ["GET /api/v1/portal/incidents/{key}"] = Access.Contact,
        ["GET /api/v1/portal/incidents/{key}/messages/{id:guid}"] = Access.Contact,
        ["POST /api/v1/portal/incidents/{key}/replies"] = Access.Contact,
        ["POST /api/v1/portal/incidents/{key}/evidence"] = Access.Contact,
        ["GET /api/v1/portal/incidents/{key}/evidence/{id:guid}/content"] = Access.Contact,
        ["GET /api/v1/portal/reports"] = Access.Contact,
        ["POST /api/v1/portal/reports"] = Access.Contact,
        ["GET /api/v1/portal/reports/{id:guid}"] = Access.Contact,
        ["GET /api/v1/portal/key"] = Access.Contact,
        ["PUT /api/v1/portal/key"] = Access.Contact,
        ["DELETE /api/v1/portal/key"] = Access.Contact,
        ["POST /portal/incidents/{number}/evidence"] = Access.Contact,
        ["POST /portal/second-factor"] = Access.Contact,
        ["PAGE /portal"] = Access.Contact,
        ["PAGE /portal/incidents/{Number}"] = Access.Contact,
        ["PAGE /portal/reports/new"] = Access.Contact,
        ["PAGE /portal/reports/{Id:guid}"] = Access.Contact,
        ["PAGE /portal/key"] = Access.Contact,
        ["PAGE /portal/inventory"] = Access.Contact,
        ["PAGE /portal/inventory/{ItemId:guid}"] = Access.Contact,
        ["PAGE /portal/advisories"] = Access.Contact,
        ["PAGE /portal/advisories/{TrackingId}"] = Access.Contact,

        // Administration.
        ["GET /api/v1/privacy/export"] = Access.Admin,
    };

    /// <summary>Every route of the host as the matrix names it (static files left out: they are public by nature).</summary>
    private List<(string Key, string Method, string Route)> Routes()
    {
        var routes = new List<(string, string, string)>();
        foreach (var e in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = e.RoutePattern.RawText ?? "";
            if (e.Metadata.GetMetadata<StaticAssetDescriptor>() is not null || route == "{**path:file}")
            {
                continue;
            }
            if (e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            {
                routes.Add(($"PAGE {route}", "GET", route));
                continue;
            }
            // HEAD goes with GET: the matrix names the GET.
            foreach (var method in (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Where(m => m != "HEAD"))
            {
                routes.Add(($"{method} {route}", method, route));
            }
        }
        return [.. routes.Distinct()];
    }

    [Fact]
    public void Every_route_has_a_line_in_the_matrix_and_every_line_a_route()
    {
        var routes = Routes().Select(r => r.Key).ToHashSet();
        var missing = routes.Where(r => !Matrix.ContainsKey(r)).Order().ToList();
        Assert.True(missing.Count == 0, "Routes without a line in the authorization matrix (add them with who may use them):\n" + string.Join("\n", missing));
        var stale = Matrix.Keys.Where(k => !routes.Contains(k)).Order().ToList();
        Assert.True(stale.Count == 0, "Matrix lines without a route:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task Each_person_gets_in_exactly_where_the_matrix_says()
    {
        var tokens = await TokensAsync();
        var wrong = new List<string>();
        foreach (var (key, method, route) in Routes().Where(r => Matrix.ContainsKey(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var access = Matrix[key];
            var path = Fill(route);
            foreach (var person in People)
            {
                using var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
                if (person != "anonymous")
                {
                    client.DefaultRequestHeaders.Authorization = new("Bearer", tokens[person]);
                }
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    // What the route's clients send (JSON to the API, a form elsewhere), empty: enough to reach
                    // authorization, never a valid change. (A body of the wrong type is refused by routing, 415.)
                    request.Content = route.StartsWith("/api/", StringComparison.Ordinal)
                        ? new StringContent("{}", Encoding.UTF8, "application/json")
                        : new FormUrlEncodedContent([]);
                }
                using var response = await client.SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                var toSignIn = response.StatusCode == HttpStatusCode.Redirect
                    && response.Headers.Location?.OriginalString.Contains("/signin", StringComparison.OrdinalIgnoreCase) == true;
                var shutOut = status is 401 or 403 || toSignIn;
                var expected = Allowed[access].Contains(person);
                if (expected && (shutOut || status >= 500))
                {
                    wrong.Add($"{key} ({path}): {person} should get in ({access}) but got {status}{(toSignIn ? " → sign-in" : "")}");
                }
                else if (!expected && !shutOut)
                {
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    wrong.Add($"{key} ({path}): {person} should be shut out ({access}) but got {status} {body[..Math.Min(body.Length, 300)]}");
                }
                else if (!expected && person == "anonymous" && !(status == 401 || toSignIn))
                {
                    wrong.Add($"{key} ({path}): anonymous should be asked to sign in, got {status}");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>Tokens of the seeded staff, and of a constituent contact added here.</summary>
    private async Task<Dictionary<string, string>> TokensAsync()
    {
        var tokens = People.Where(p => p is not "anonymous" and not "constituent").ToDictionary(p => p, app.Token);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var email = $"contact-{Guid.NewGuid():N}@client.example";
        // A contact of an organisation, as the portal requires (one without is let in nowhere).
        var org = (await scope.ServiceProvider.GetRequiredService<Vigie.Features.Constituents.ConstituentService>().CreateAsync(
            new Vigie.Features.Constituents.ConstituentRequest("Matrix " + email, "client", new("C", "gold", false), null, [], []), Ct)).Value!.Id;
        tokens["constituent"] = app.AddUser(db, email, UserRole.Constituent, TokenScope.Write, org);
        await db.SaveChangesAsync(Ct);
        return tokens;
    }

    /// <summary>The route with a plausible value in each parameter (an id that exists nowhere: allowed people get 404, not 401/403).</summary>
    private static string Fill(string route) => Parameter().Replace(route, m => m.Groups[1].Value.ToLowerInvariant() switch
    {
        "key" or "number" => "2026-9999",
        "month" => "2026-03",
        "version" or "from" or "to" => "1.0",
        "lang" or "language" or "culture" => "fr",
        "code" => "404",
        "token" => "not-a-token",
        "documentname" => "v1",
        _ when m.Value.Contains(":guid", StringComparison.Ordinal) => "0190d1a2-0000-7000-8000-000000000001",
        _ => "x",
    });

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z]+)(?::[^}]+)?\??\}")]
    private static partial Regex Parameter();
}
