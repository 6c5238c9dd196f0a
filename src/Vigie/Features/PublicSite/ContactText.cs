namespace Vigie.Features.PublicSite;

/// <summary>Marker for the contact form's strings (ContactText.resx, ContactText.fr.resx).</summary>
public sealed class ContactText;
