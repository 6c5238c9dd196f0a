namespace Vigie.Features.OnCall;

/// <summary>Marker for the on-call pages' strings (OnCallText.resx, OnCallText.fr.resx).</summary>
public sealed class OnCallText;
