using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Mail;

/// <summary>
/// The addresses mail is accepted for: the team profile's incident and general addresses
/// (RFC 2350 §2.7) plus <see cref="SmtpListenerOptions.ExtraAddresses"/>, all normalised with
/// <see cref="EmailAddress.TryNormalize"/>. Also tells mail from the team's own addresses apart
/// (never auto-answered, RFC 3834 §2).
/// </summary>
public sealed class TeamAddresses
{
    private readonly HashSet<string> _all = new(StringComparer.Ordinal);

    public TeamAddresses(IOptions<TeamProfileOptions> team, IOptions<SmtpListenerOptions> smtp)
    {
        Incident = Normalize(team.Value.IncidentEmail);
        General = Normalize(team.Value.GeneralEmail);
        foreach (var address in new[] { Incident, General }.Concat(smtp.Value.ExtraAddresses.Select(Normalize)))
        {
            if (address is not null)
            {
                _all.Add(address);
            }
        }
    }

    /// <summary>The normalised incident address (RFC 2350 §2.7), if configured.</summary>
    public string? Incident { get; }

    /// <summary>The normalised general-contact address, if configured.</summary>
    public string? General { get; }

    /// <summary>Every accepted address, normalised.</summary>
    public IReadOnlyCollection<string> All => _all;

    /// <summary>The domain of the incident address (Message-IDs, SMTP greeting), or "localhost".</summary>
    public string Domain => (Incident ?? General ?? _all.FirstOrDefault()) is { } a ? a[(a.LastIndexOf('@') + 1)..] : "localhost";

    /// <summary>True, with the normalised form, when <paramref name="address"/> is one of the team's.</summary>
    public bool TryMatch(string? address, out string normalized)
    {
        if (EmailAddress.TryNormalize(address, out normalized, out _) && _all.Contains(normalized))
        {
            return true;
        }
        normalized = "";
        return false;
    }

    /// <summary>
    /// The recipient recorded on a report delivered to several team addresses: the incident address
    /// wins (the mail is handled as an incident report), then the general one, then the first.
    /// </summary>
    public string? PickRecipient(IEnumerable<string> normalizedRecipients)
    {
        var list = normalizedRecipients.ToList();
        if (Incident is not null && list.Contains(Incident))
        {
            return Incident;
        }
        if (General is not null && list.Contains(General))
        {
            return General;
        }
        return list.FirstOrDefault();
    }

    private static string? Normalize(string? address) =>
        EmailAddress.TryNormalize(address, out var normalized, out _) ? normalized : null;
}
