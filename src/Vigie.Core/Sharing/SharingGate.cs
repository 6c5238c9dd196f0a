using Vigie.Core.Incidents;

namespace Vigie.Core.Sharing;

/// <summary>Who a correspondent is, for the sharing rules and the templates.</summary>
public enum PartyKind
{
    /// <summary>Someone who reported the incident to us.</summary>
    Reporter,

    /// <summary>A contact of a constituent (the affected one, or another).</summary>
    ConstituentContact,

    /// <summary>An ISP's or a hosting provider's abuse desk.</summary>
    AbuseDesk,

    /// <summary>Another CSIRT / CERT.</summary>
    Csirt,

    /// <summary>A law-enforcement or regulatory authority.</summary>
    Authority,

    Other,
}

/// <summary>
/// Why the gate refused a share. The wire codes (<see cref="SharingGate.Code"/>) are stable: scripts
/// and the UI key their messages on them.
/// </summary>
public enum ShareRefusal
{
    /// <summary>The recipient address is not a valid e-mail address.</summary>
    InvalidRecipient,

    /// <summary>TLP:RED and the recipient is not a named recipient of the incident.</summary>
    NotNamedRecipient,

    /// <summary>TLP:AMBER+STRICT and the recipient is outside the affected constituent's organisation.</summary>
    OutsideOrganisation,

    /// <summary>TLP:AMBER, outside the organisation, and no need-to-know justification was given.</summary>
    NeedToKnowMissing,

    /// <summary>Outside the affected constituent's organisation and no consent of that constituent covers the recipient.</summary>
    NoConsent,

    /// <summary>TLP:AMBER or above must be encrypted, and we hold no usable OpenPGP key of the recipient.</summary>
    NoRecipientKey,
}

/// <summary>Everything the gate needs to decide about one share of incident content with one recipient.</summary>
/// <param name="Tlp">The incident's TLP at the time of the share.</param>
/// <param name="IncidentConstituentId">The affected constituent; null when the incident has none.</param>
/// <param name="RecipientKind">What the recipient is.</param>
/// <param name="RecipientOrganisationId">The constituent the recipient belongs to (a contact of it), if any.</param>
/// <param name="RecipientEmail">The recipient's address.</param>
/// <param name="IsNamedRecipient">The recipient is named on the incident (the list TLP:RED allows).</param>
/// <param name="HasConsent">A consent of the affected constituent covers the recipient (address or domain).</param>
/// <param name="NeedToKnow">The justification given for sharing TLP:AMBER outside the organisation, if any.</param>
/// <param name="HasRecipientKey">We hold a usable OpenPGP encryption key for the recipient.</param>
public sealed record ShareRequest(
    Tlp Tlp,
    Guid? IncidentConstituentId,
    PartyKind RecipientKind,
    Guid? RecipientOrganisationId,
    string? RecipientEmail,
    bool IsNamedRecipient,
    bool HasConsent,
    string? NeedToKnow,
    bool HasRecipientKey);

/// <summary>The gate's answer: allowed (with what it requires), or refused with one stable reason.</summary>
/// <param name="Allowed">The content may be sent.</param>
/// <param name="Refusal">Why not, when not allowed.</param>
/// <param name="EncryptionRequired">TLP:AMBER and above: the message must go out encrypted.</param>
/// <param name="InsideOrganisation">The recipient belongs to the affected constituent's organisation.</param>
/// <param name="NeedToKnow">The need-to-know justification the share rests on (TLP:AMBER outside the organisation), to record.</param>
/// <param name="ConsentUsed">The share rests on a recorded consent of the constituent (recipient outside its organisation).</param>
public sealed record ShareDecision(
    bool Allowed,
    ShareRefusal? Refusal,
    bool EncryptionRequired,
    bool InsideOrganisation,
    string? NeedToKnow,
    bool ConsentUsed)
{
    /// <summary>The stable wire code of the refusal, or null when allowed.</summary>
    public string? Code => Refusal is { } r ? SharingGate.Code(r) : null;
}

/// <summary>
/// The sharing gate (docs/correspondence.md): whether incident content may be sent to one recipient,
/// under TLP 2.0 (FIRST, https://www.first.org/tlp/) and the team's promise of RFC 2350 §4.2 that
/// incident information is not shared without the explicit consent of the parties concerned.
/// Pure: the caller gathers the facts (consents, keys) and records the decision.
/// </summary>
/// <remarks>
/// Rules, checked in this order (the first that fails is the reason given):
/// <list type="number">
/// <item>the address must be a valid e-mail address;</item>
/// <item>TLP:RED — "for the eyes and ears of individual recipients only": named recipients only;</item>
/// <item>TLP:AMBER+STRICT — "restricts sharing to the organization only": the affected constituent's own
/// organisation only (nobody outside when the incident has no constituent);</item>
/// <item>TLP:AMBER — "on a need-to-know basis": outside the organisation only with a justification, which is recorded;</item>
/// <item>RFC 2350 §4.2 — outside the affected constituent's organisation, a consent of that constituent must
/// cover the recipient (by address or domain); not needed when the incident has no constituent;</item>
/// <item>TLP:AMBER, AMBER+STRICT and RED travel encrypted only: without the recipient's key, refused.</item>
/// </list>
/// </remarks>
public static class SharingGate
{
    /// <summary>Longest need-to-know justification kept.</summary>
    public const int MaxNeedToKnowLength = 2000;

    public static ShareDecision Decide(ShareRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tlp = request.Tlp;
        var encrypt = RequiresEncryption(tlp);
        var inside = request.IncidentConstituentId is { } owner && request.RecipientOrganisationId == owner;
        var needToKnow = string.IsNullOrWhiteSpace(request.NeedToKnow) ? null : request.NeedToKnow.Trim();
        if (needToKnow is { Length: > MaxNeedToKnowLength })
        {
            needToKnow = needToKnow[..MaxNeedToKnowLength];
        }

        ShareDecision Refuse(ShareRefusal why) => new(false, why, encrypt, inside, null, false);

        if (!EmailAddress.TryNormalize(request.RecipientEmail, out _, out _))
        {
            return Refuse(ShareRefusal.InvalidRecipient);
        }
        if (tlp == Tlp.Red && !request.IsNamedRecipient)
        {
            return Refuse(ShareRefusal.NotNamedRecipient);
        }
        if (tlp == Tlp.AmberStrict && !inside)
        {
            return Refuse(ShareRefusal.OutsideOrganisation);
        }
        var needToKnowApplies = tlp == Tlp.Amber && !inside;
        // A party named on the incident was chosen one by one, which is what need-to-know asks (and
        // what TLP:RED demands): naming is the recorded justification, so AMBER never asks more of a
        // named recipient than RED does.
        if (needToKnowApplies && needToKnow is null && request.IsNamedRecipient)
        {
            needToKnow = "named recipient of the incident";
        }
        if (needToKnowApplies && needToKnow is null)
        {
            return Refuse(ShareRefusal.NeedToKnowMissing);
        }
        var consentApplies = request.IncidentConstituentId is not null && !inside;
        if (consentApplies && !request.HasConsent)
        {
            return Refuse(ShareRefusal.NoConsent);
        }
        if (encrypt && !request.HasRecipientKey)
        {
            return Refuse(ShareRefusal.NoRecipientKey);
        }
        return new ShareDecision(true, null, encrypt, inside, needToKnowApplies ? needToKnow : null, consentApplies);
    }

    /// <summary>TLP:AMBER and above go out encrypted only (RFC 2350 §4.3: sensitive communication is encrypted).</summary>
    public static bool RequiresEncryption(Tlp tlp) => tlp >= Tlp.Amber;

    /// <summary>The stable wire code of a refusal: <c>not-named-recipient</c>, <c>no-consent</c>…</summary>
    public static string Code(ShareRefusal refusal) => refusal switch
    {
        ShareRefusal.InvalidRecipient => "invalid-recipient",
        ShareRefusal.NotNamedRecipient => "not-named-recipient",
        ShareRefusal.OutsideOrganisation => "outside-organisation",
        ShareRefusal.NeedToKnowMissing => "need-to-know-missing",
        ShareRefusal.NoConsent => "no-consent",
        ShareRefusal.NoRecipientKey => "no-recipient-key",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "Unknown refusal."),
    };

    /// <summary>Reads a wire code back (<see cref="Code"/>).</summary>
    public static bool TryParseCode(string? code, out ShareRefusal refusal)
    {
        foreach (var r in Enum.GetValues<ShareRefusal>())
        {
            if (string.Equals(Code(r), code, StringComparison.Ordinal))
            {
                refusal = r;
                return true;
            }
        }
        refusal = default;
        return false;
    }
}
