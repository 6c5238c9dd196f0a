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
    private readonly Lazy<(string? Incident, string? General, HashSet<string> All)> _addresses;

    // Read on first use, not when the host builds its services: a bad setting is then reported by
    // start-up validation together with every other one.
    public TeamAddresses(IOptions<TeamProfileOptions> team, IOptions<SmtpListenerOptions> smtp) =>
        _addresses = new(() =>
        {
            var incident = Normalize(team.Value.IncidentEmail);
            var general = Normalize(team.Value.GeneralEmail);
            var all = new HashSet<string>(StringComparer.Ordinal);
            foreach (var address in new[] { incident, general }.Concat(smtp.Value.ExtraAddresses.Select(Normalize)))
            {
                if (address is not null)
                {
                    all.Add(address);
                }
            }
            return (incident, general, all);
        });

    /// <summary>The normalised incident address (RFC 2350 §2.7), if configured.</summary>
    public string? Incident => _addresses.Value.Incident;

    /// <summary>The normalised general-contact address, if configured.</summary>
    public string? General => _addresses.Value.General;

    /// <summary>Every accepted address, normalised.</summary>
    public IReadOnlyCollection<string> All => _addresses.Value.All;

    /// <summary>The domain of the incident address (Message-IDs, SMTP greeting), or "localhost".</summary>
    public string Domain => (Incident ?? General ?? All.FirstOrDefault()) is { } a ? a[(a.LastIndexOf('@') + 1)..] : "localhost";

    /// <summary>True, with the normalised form, when <paramref name="address"/> is one of the team's.</summary>
    public bool TryMatch(string? address, out string normalized)
    {
        if (EmailAddress.TryNormalize(address, out normalized, out _) && _addresses.Value.All.Contains(normalized))
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
