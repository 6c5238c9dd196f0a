namespace Vigie.Features.Playbooks;

/// <summary>Strings of the playbook pages and the incident's tasks tab (PlaybookText.resx, PlaybookText.fr.resx).</summary>
public sealed class PlaybookText;
