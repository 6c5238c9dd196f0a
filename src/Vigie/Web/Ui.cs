namespace Vigie.Web;

/// <summary>
/// Marker for the workspace's shared strings (Ui.resx in English, Ui.fr.resx in French). Each
/// feature keeps its own strings beside its pages (e.g. Features/Incidents/IncidentText.resx).
/// </summary>
public sealed class Ui;
