namespace Vigie.Features.Constituents.Pages;

/// <summary>Marker for the constituent pages' strings (ConstituentsText.resx, ConstituentsText.fr.resx).</summary>
public sealed class ConstituentsText;
