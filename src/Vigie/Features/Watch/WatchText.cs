namespace Vigie.Features.Watch;

/// <summary>Marker for the vulnerability watch strings (WatchText.resx, WatchText.fr.resx).</summary>
public sealed class WatchText;
