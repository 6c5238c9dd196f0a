namespace Vigie;

/// <summary>Where Vigie keeps its files (<c>Vigie:DataDirectory</c>, <c>--data-dir</c>).</summary>
public sealed class VigieOptions
{
    public const string Section = "Vigie";

    /// <summary>Data directory: the embedded database, the blob store, keys. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    public string DataPath => Path.GetFullPath(DataDirectory);
}
