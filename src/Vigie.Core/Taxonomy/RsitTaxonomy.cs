namespace Vigie.Core.Taxonomy;

/// <summary>Placeholder replaced in the domain-core commit.</summary>
public static class RsitTaxonomy;
