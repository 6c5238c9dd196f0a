namespace Vigie.Features.PublicSite;

/// <summary>Marker for the strings shared by the public pages (PublicSiteText.resx, PublicSiteText.fr.resx).</summary>
public sealed class PublicSiteText;
