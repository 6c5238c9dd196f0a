using Vigie.Core.Incidents;

namespace Vigie.Core.Playbooks;

/// <summary>A playbook as shipped: names, the RSIT class/type it serves, and its steps.</summary>
public sealed record PlaybookTemplate(string NameFr, string NameEn, string RsitClass, string? RsitType, IReadOnlyList<PlaybookStepInput> Steps);

/// <summary>
/// The playbooks a new installation starts with, for the incident types a CSIRT sees most (the
/// seed's five kinds mapped onto RSIT). The team edits them afterwards; they are only written into an
/// empty playbook table, so an edit or a deletion is never undone at the next start.
/// Steps follow the NIST SP 800-61 phases (containment, eradication, recovery) plus coordination.
/// </summary>
public static class DefaultPlaybooks
{
    private static PlaybookStepInput S(TaskKind kind, int? hours, string fr, string en) => new(fr, en, kind, hours);

    public static IReadOnlyList<PlaybookTemplate> All { get; } =
    [
        new("Hameçonnage", "Phishing", "fraud", "phishing",
        [
            S(TaskKind.Coordination, 1, "Demander le retrait de la page à l'hébergeur et au bureau d'enregistrement", "Ask the hosting provider and registrar to take the page down"),
            S(TaskKind.Containment, 2, "Bloquer l'URL et le domaine sur le proxy et la messagerie", "Block the URL and domain on the proxy and mail gateway"),
            S(TaskKind.Containment, 4, "Rechercher les destinataires et supprimer le message des boîtes", "Find the recipients and purge the message from mailboxes"),
            S(TaskKind.Eradication, 8, "Réinitialiser les mots de passe des comptes ayant saisi leurs identifiants", "Reset the passwords of accounts that entered credentials"),
            S(TaskKind.Recovery, 24, "Vérifier que la page est hors ligne", "Check that the page is offline"),
            S(TaskKind.Coordination, 48, "Informer les utilisateurs et le déclarant", "Inform the users and the reporter"),
        ]),
        new("Infection par un logiciel malveillant", "Malware infection", "malicious-code", "infected-system",
        [
            S(TaskKind.Containment, 1, "Isoler le poste ou le serveur infecté du réseau", "Isolate the infected host from the network"),
            S(TaskKind.Containment, 4, "Bloquer les serveurs de commande (C2) observés", "Block the command-and-control servers seen"),
            S(TaskKind.Eradication, 8, "Collecter les indicateurs et rechercher d'autres machines touchées", "Collect indicators and hunt for other infected hosts"),
            S(TaskKind.Eradication, 24, "Réinstaller ou nettoyer le système", "Reimage or clean the system"),
            S(TaskKind.Recovery, 48, "Remettre en service et surveiller", "Return to service and monitor"),
            S(TaskKind.Coordination, 72, "Prévenir le correspondant sécurité du bénéficiaire", "Notify the constituent's security contact"),
        ]),
        new("Déni de service distribué", "DDoS", "availability", "ddos",
        [
            S(TaskKind.Containment, 1, "Activer le filtrage ou la protection anti-DDoS en amont", "Turn on upstream filtering or DDoS protection"),
            S(TaskKind.Coordination, 1, "Contacter le fournisseur d'accès et l'hébergeur", "Contact the ISP and hosting provider"),
            S(TaskKind.Containment, 2, "Identifier les sources et les vecteurs d'attaque", "Identify the sources and attack vectors"),
            S(TaskKind.Recovery, 8, "Rétablir le service et lever les filtres temporaires", "Restore the service and lift temporary filters"),
            S(TaskKind.Other, 72, "Consigner le volume, la durée et l'impact", "Record the volume, duration and impact"),
        ]),
        new("Compte compromis", "Compromised account", "intrusions", "unprivileged-account-compromise",
        [
            S(TaskKind.Containment, 1, "Désactiver le compte ou révoquer ses sessions", "Disable the account or revoke its sessions"),
            S(TaskKind.Eradication, 4, "Réinitialiser le mot de passe et les facteurs d'authentification", "Reset the password and authentication factors"),
            S(TaskKind.Eradication, 8, "Examiner les journaux de connexion et les règles de messagerie", "Review sign-in logs and mailbox rules"),
            S(TaskKind.Recovery, 24, "Rendre l'accès à l'utilisateur", "Give the user access back"),
            S(TaskKind.Coordination, 24, "Informer l'utilisateur et son responsable", "Inform the user and their manager"),
        ]),
        new("Système compromis", "Compromised system", "intrusions", "system-compromise",
        [
            S(TaskKind.Containment, 1, "Isoler le système sans l'éteindre (préserver la mémoire)", "Isolate the system without shutting it down (preserve memory)"),
            S(TaskKind.Other, 4, "Collecter les preuves (mémoire, disque, journaux) et consigner la chaîne de conservation", "Collect evidence (memory, disk, logs) and record the chain of custody"),
            S(TaskKind.Eradication, 24, "Identifier le vecteur d'intrusion et le corriger", "Find the intrusion vector and fix it"),
            S(TaskKind.Eradication, 48, "Reconstruire le système à partir d'une source saine", "Rebuild the system from a clean source"),
            S(TaskKind.Recovery, 72, "Remettre en service sous surveillance renforcée", "Return to service under closer monitoring"),
            S(TaskKind.Coordination, 24, "Prévenir le bénéficiaire et, si besoin, les autorités", "Notify the constituent and, if needed, the authorities"),
        ]),
        new("Système vulnérable", "Vulnerable system", "vulnerable", "vulnerable-system",
        [
            S(TaskKind.Coordination, 8, "Prévenir le propriétaire du système", "Notify the system owner"),
            S(TaskKind.Containment, 24, "Restreindre l'exposition (pare-feu, désactivation du service)", "Reduce exposure (firewall, disable the service)"),
            S(TaskKind.Eradication, 168, "Appliquer le correctif ou la mesure de contournement", "Apply the patch or workaround"),
            S(TaskKind.Recovery, 192, "Vérifier par un nouveau scan", "Verify with a new scan"),
        ]),
        new("Balayage réseau", "Scanner", "information-gathering", "scanner",
        [
            S(TaskKind.Containment, 4, "Bloquer l'adresse source si le balayage persiste", "Block the source address if the scanning goes on"),
            S(TaskKind.Coordination, 24, "Signaler la source au service abuse de son fournisseur", "Report the source to its provider's abuse desk"),
            S(TaskKind.Other, 24, "Vérifier qu'aucun service exposé n'a été atteint", "Check that no exposed service was reached"),
        ]),
        new("Pourriel", "Spam", "abusive-content", "spam",
        [
            S(TaskKind.Containment, 4, "Filtrer l'expéditeur et les motifs sur la passerelle de messagerie", "Filter the sender and patterns on the mail gateway"),
            S(TaskKind.Coordination, 24, "Signaler la source au service abuse de son fournisseur", "Report the source to its provider's abuse desk"),
            S(TaskKind.Eradication, 24, "Si le pourriel part de chez nous, trouver le compte ou le relais en cause", "If the spam comes from us, find the account or relay at fault"),
        ]),
    ];
}
