namespace Vigie.Features.PublicSite;

/// <summary>Marker for the strings of the public-face warnings and the key endpoint (PublicFaceText.resx, PublicFaceText.fr.resx).</summary>
public sealed class PublicFaceText;
