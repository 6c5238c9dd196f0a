namespace Vigie.Features.Search;

/// <summary>Marker for the search page's strings (SearchText.resx, SearchText.fr.resx).</summary>
public sealed class SearchText;
