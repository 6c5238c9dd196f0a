namespace Vigie.Features.Audit;

/// <summary>
/// Marks a page or an endpoint whose successful (or refused) GET is recorded in the audit log:
/// reads of incidents, reports and evidence, and downloads that are exports. One middleware
/// (<see cref="AuditReadMiddleware"/>) does the recording, so a page or endpoint only declares it:
/// <c>@attribute [Audited("read", "incident", "Number")]</c> or <c>.Audited("read", "report", "id")</c>.
/// </summary>
/// <remarks>Action: An <see cref="AuditActions"/> code.</remarks>
/// <remarks>ObjectKind: incident, report, evidence, closure-report, sla-report, audit-log…</remarks>
/// <remarks>RouteValue: The route value that names the object (number, id, month), if any.</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AuditedAttribute(string action, string objectKind, string? routeValue = null) : Attribute
{
    public string Action { get; } = action;

    public string ObjectKind { get; } = objectKind;

    public string? RouteValue { get; } = routeValue;
}

public static class AuditedEndpoints
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action, string objectKind, string? routeValue = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedAttribute(action, objectKind, routeValue));
}

/// <summary>
/// Records a GET of an <see cref="AuditedAttribute"/> endpoint once it has been answered: 2xx is a
/// success, 403 denied, 404 not found (an incident one may not see answers 404 too, so attempts on
/// hidden objects are recorded). Anonymous requests are not recorded here: they never reach the
/// object (the sign-in redirect or 401 comes first). Recorded after the answer, so a failure to
/// write is logged as an error and does not turn a read into a 500.
/// </summary>
public sealed class AuditReadMiddleware(RequestDelegate next, ILogger<AuditReadMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, AuditLog audit)
    {
        await next(context);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            || context.GetEndpoint()?.Metadata.GetMetadata<AuditedAttribute>() is not { } audited
            || context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        var outcome = context.Response.StatusCode switch
        {
            >= 200 and < 300 => AuditOutcomes.Success,
            StatusCodes.Status403Forbidden => AuditOutcomes.Denied,
            StatusCodes.Status404NotFound => AuditOutcomes.NotFound,
            >= 300 and < 400 => null,
            _ => AuditOutcomes.Failure,
        };
        if (outcome is null)
        {
            return;
        }
        var id = audited.RouteValue is { } name ? context.GetRouteValue(name)?.ToString() : null;
        var detail = new Dictionary<string, string?> { ["path"] = context.Request.Path.Value };
        // The query says which tab was shown, or which filters an export used (never a secret: none travels in a URL).
        if (context.Request.QueryString.HasValue)
        {
            detail["query"] = context.Request.QueryString.Value;
        }
        try
        {
            await audit.RecordAsync(context, new AuditEvent(audited.Action, audited.ObjectKind, id, outcome, detail));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the {Action} of {Kind} {Id} in the audit log.", audited.Action, audited.ObjectKind, id);
        }
    }
}
