using Microsoft.Extensions.Localization;

namespace Vigie.Features.Inventory;

/// <summary>Marker for the inventory's strings (InventoryText.resx, InventoryText.fr.resx): why an item or a row was refused.</summary>
public sealed class InventoryText
{
    /// <summary>The refused fields with a text of their own (Invalid.*).</summary>
    private static readonly HashSet<string> Fields = ["cpe", "purl", "product", "fields", "notes", "exposure", "criticality", "object"];

    /// <summary>Why an item was refused, in the reader's language, from the refused field ("cpe", "purl", "product"…) and text.</summary>
    public static string Say(IStringLocalizer<InventoryText> text, string? field, string? value) =>
        field is not null && Fields.Contains(field) ? text["Invalid." + field, value ?? ""] : text["Invalid.other"];

    /// <summary>Why an import row was refused, in the reader's language.</summary>
    public static string Say(IStringLocalizer<InventoryText> text, InventoryRowError row) => Say(text, row.Field, row.Value);
}
