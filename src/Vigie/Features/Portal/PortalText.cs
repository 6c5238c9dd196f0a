namespace Vigie.Features.Portal;

/// <summary>Marker for the constituent portal's strings (PortalText.resx, PortalText.fr.resx).</summary>
public sealed class PortalText;
