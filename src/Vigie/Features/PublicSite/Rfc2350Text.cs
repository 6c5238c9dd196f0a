namespace Vigie.Features.PublicSite;

/// <summary>Marker for the RFC 2350 strings (Rfc2350Text.resx, Rfc2350Text.fr.resx): the document's fixed titles and sentences, and its pages.</summary>
public sealed class Rfc2350Text;
