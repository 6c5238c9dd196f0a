using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Vulnerabilities.Ssvc;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Watch;
using Vigie.Web;

namespace Vigie.Features.Inventory;

public sealed record InventoryItemDto(Guid Id, Guid ConstituentId, string? Vendor, string? Product, string? Version, string? Cpe, string? Purl,
    string Exposure, string Criticality, string? Notes, string Source, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record InventoryRequest(string? Vendor, string? Product, string? Version, string? Cpe, string? Purl, string? Exposure, string? Criticality, string? Notes);

/// <summary>A constituent's inventory over HTTP (staff): list, add, change, remove, import a CSV/JSON/CycloneDX file.</summary>
public static class InventoryApi
{
    public const long MaxUpload = 32L << 20;

    public static IEndpointRouteBuilder MapInventory(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/constituents/{id:guid}/inventory").WithTags("Inventory").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("The constituent's inventory items.");
        group.MapPost("/", Add).RequireAuthorization(Policies.Write).WithSummary("Add an item (vendor + product, or a CPE, or a purl; exposure internal | internet-facing; criticality low…critical).");
        group.MapPut("/{itemId:guid}", Update).RequireAuthorization(Policies.Write).WithSummary("Change an item.");
        group.MapDelete("/{itemId:guid}", Delete).RequireAuthorization(Policies.Write).WithSummary("Remove an item.");
        group.MapPost("/import", Import).RequireAuthorization(Policies.Write).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUpload + 64 * 1024))
            .WithSummary("Import items (multipart 'file': .csv, .json or a CycloneDX SBOM; ?dryRun=true checks only). Valid rows are kept; each invalid one is reported.");
        app.MapPost("/constituents/{id:guid}/inventory/import", ImportForm).RequireAuthorization(Policies.Write).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUpload + 64 * 1024)).ExcludeFromDescription();
        return app;
    }

    internal static InventoryItemDto ToDto(this InventoryItem i) => new(i.Id, i.ConstituentId, i.Vendor, i.Product, i.Version, i.Cpe, i.Purl,
        i.Exposure == Exposure.InternetFacing ? "internet-facing" : "internal", i.Criticality.ToString().ToLowerInvariant(), i.Notes, i.Source, i.UpdatedAt, i.UpdatedBy);

    private static async Task<Results<Ok<List<InventoryItemDto>>, ProblemHttpResult>> List(Guid id, VigieDb db, CancellationToken ct)
    {
        if (!await db.Constituents.AnyAsync(c => c.Id == id, ct))
        {
            return Error.NotFound("The constituent").ToProblem();
        }
        var items = await db.Set<InventoryItem>().AsNoTracking().Where(i => i.ConstituentId == id)
            .OrderBy(i => i.Vendor).ThenBy(i => i.Product).ThenBy(i => i.Version).ToListAsync(ct);
        return TypedResults.Ok(items.Select(i => i.ToDto()).ToList());
    }

    private static Result<InventoryInput> Input(InventoryRequest r) =>
        InventoryService.TryLevels(r.Exposure, r.Criticality, out var exposure, out var criticality, out var why)
            ? new InventoryInput(r.Vendor, r.Product, r.Version, r.Cpe, r.Purl, exposure, criticality, r.Notes)
            : Error.Validation("exposure", why);

    private static async Task<Results<Created<InventoryItemDto>, ProblemHttpResult>> Add(Guid id, InventoryRequest request, InventoryService inventory,
        WatchSignal signal, ClaimsPrincipal user, CancellationToken ct)
    {
        var input = Input(request);
        if (!input.IsSuccess)
        {
            return input.Error!.ToProblem();
        }
        var added = await inventory.AddAsync(id, input.Value!, user.Actor(), ct);
        if (!added.IsSuccess)
        {
            return added.Error!.ToProblem();
        }
        signal.RematchAll();
        return TypedResults.Created($"/api/v1/constituents/{id}/inventory/{added.Value!.Id}", added.Value.ToDto());
    }

    private static async Task<Results<Ok<InventoryItemDto>, ProblemHttpResult>> Update(Guid id, Guid itemId, InventoryRequest request, InventoryService inventory,
        WatchSignal signal, ClaimsPrincipal user, CancellationToken ct)
    {
        var input = Input(request);
        if (!input.IsSuccess)
        {
            return input.Error!.ToProblem();
        }
        var updated = await inventory.UpdateAsync(id, itemId, input.Value!, user.Actor(), ct);
        if (!updated.IsSuccess)
        {
            return updated.Error!.ToProblem();
        }
        signal.RematchAll();
        return TypedResults.Ok(updated.Value!.ToDto());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, Guid itemId, InventoryService inventory, WatchSignal signal, CancellationToken ct)
    {
        if (!await inventory.DeleteAsync(id, itemId, ct))
        {
            return Error.NotFound("The inventory item").ToProblem();
        }
        signal.RematchAll();
        return TypedResults.NoContent();
    }

    /// <summary>The inventory page's import form: the same import, then back to the page with the outcome (first refused rows included).</summary>
    private static async Task<IResult> ImportForm(Guid id, HttpContext http, InventoryService inventory, WatchSignal signal, IAntiforgery antiforgery,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var page = $"/constituents/{id}/inventory";
        string Back(string query) => $"{page}?{query}";
        if (!await antiforgery.IsRequestValidAsync(http) || !http.Request.HasFormContentType)
        {
            return Results.Redirect(Back("error=" + Uri.EscapeDataString("expired form")), permanent: false, preserveMethod: false);
        }
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.GetFile("file") is not { Length: > 0 } file)
        {
            return Results.Redirect(Back("error=" + Uri.EscapeDataString("no file")));
        }
        var dryRun = form["dryRun"] == "true";
        await using var content = file.OpenReadStream();
        var result = await inventory.ImportAsync(id, file.FileName, content, null, user.Actor(), dryRun, ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Kind == ErrorKind.NotFound ? Results.NotFound() : Results.Redirect(Back("error=" + Uri.EscapeDataString(result.Error.Message)));
        }
        if (!dryRun)
        {
            signal.RematchAll();
        }
        var r = result.Value!;
        // Where, field and refused text, so that the page says why in the reader's language (InventoryText).
        var rows = string.Concat(r.Errors.Take(5).Select(e => "&row=" + Uri.EscapeDataString($"{e.Where}{RowSeparator}{e.Field}{RowSeparator}{e.Value}")));
        http.Response.Headers.Location = Back($"added={r.Added}&updated={r.Updated}&refused={r.Errors.Count}{rows}");
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>Separates where, field and value of a refused row in the page's query (the ASCII unit separator).</summary>
    public const char RowSeparator = '\u001F';

    private static async Task<Results<Ok<InventoryImportResult>, ProblemHttpResult>> Import(Guid id, bool? dryRun, HttpContext http, InventoryService inventory,
        WatchSignal signal, IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        var upload = await Uploads.ReadFileAsync(http, antiforgery, "the inventory", ct);
        if (!upload.IsSuccess)
        {
            return upload.Error!.ToProblem();
        }
        var (file, form) = upload.Value;
        await using var content = file.OpenReadStream();
        var result = await inventory.ImportAsync(id, file.FileName, content, form["format"].FirstOrDefault(), user.Actor(), dryRun == true, ct);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        if (dryRun != true)
        {
            signal.RematchAll();
        }
        return TypedResults.Ok(result.Value!);
    }
}
