using System.ComponentModel.DataAnnotations;

namespace Vigie.Data;

public enum DatabaseProvider
{
    /// <summary>Embedded, the default: one file in the data directory.</summary>
    Sqlite,

    /// <summary>PostgreSQL, for production at scale and several nodes.</summary>
    Postgres,
}

/// <summary><c>Vigie:Database</c>: which database and how to reach it.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Vigie:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Required for PostgreSQL (Npgsql syntax). For SQLite, optional: default
    /// <c>Data Source=&lt;data dir&gt;/vigie.db</c>.
    /// </summary>
    [MaxLength(4096)]
    public string? ConnectionString { get; set; }
}
