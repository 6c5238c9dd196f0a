namespace Vigie.Features.Identity;

/// <summary>Marker for the strings of sign-in, second factor, sessions and password rules (IdentityText.resx, IdentityText.fr.resx).</summary>
public sealed class IdentityText;
