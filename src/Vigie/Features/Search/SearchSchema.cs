namespace Vigie.Features.Search;

/// <summary>
/// The search structures EF does not model, as raw SQL for each provider, applied by the
/// hand-written <c>Search</c> migration of each set (Data/Migrations/Sqlite|Postgres). They follow
/// the rows by themselves (SQLite triggers, PostgreSQL generated columns and expression indexes),
/// so no write path needs to know about search.
/// </summary>
/// <remarks>
/// <para>SQLite: FTS5 tables with external content (they hold only the index, the text stays in
/// <c>incidents</c> and <c>reports</c>), keyed by the content rows' <c>rowid</c>, kept current by
/// triggers. <c>unicode61 remove_diacritics 2</c>: "securite" finds "sécurité". Two more FTS5 tables
/// index the words of host-bearing observables (domains, URLs, e-mail addresses) so that a domain
/// finds its subdomains with an indexed phrase match instead of a scan (SQLite has no reverse()).</para>
/// <para>Caveat (SQLite): a later EF migration that <em>rebuilds</em> <c>incidents</c>, <c>reports</c>
/// or an observables table (SQLite cannot alter some columns in place) drops their triggers and
/// renumbers rowids; such a migration must end with <see cref="SqliteUp"/> again. A manual
/// <c>VACUUM</c> may renumber rowids too; <see cref="SqliteRebuild"/> repairs the indexes.
/// <c>SearchSchemaTests</c> fails when the triggers are missing after all migrations.</para>
/// <para>PostgreSQL: stored generated <c>tsvector</c> columns (<c>simple</c> configuration: no
/// stemming, as on SQLite; the first 100,000 characters of a report's text, tsvector's 1 MB limit)
/// with GIN indexes; a GiST <c>inet</c> expression index on IP and CIDR observables (<c>&gt;&gt;=</c>,
/// <c>&amp;&amp;</c>); a <c>reverse(host)</c> expression index (<c>text_pattern_ops</c>) for domain
/// suffixes.</para>
/// </remarks>
public static class SearchSchema
{
    /// <summary>The kinds whose values carry a host name (indexed for domain and subdomain search).</summary>
    internal const string HostKinds = "'Domain','Url','Email'";

    /// <summary>The kinds whose values are addresses or networks.</summary>
    internal const string IpKinds = "'IPv4','IPv6','Cidr'";

    /// <summary>Fills (or refills) the SQLite indexes from the rows: after the tables are created, after a bulk load, after a VACUUM.</summary>
    public static readonly string[] SqliteRebuild =
    [
        "INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild')",
        "INSERT INTO reports_fts(reports_fts) VALUES ('rebuild')",
        .. HostRebuild("incident_observables"),
        .. HostRebuild("report_observables"),
    ];

    public static readonly string[] SqliteUp =
    [
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS incidents_fts USING fts5("Title", "Description",
            content='incidents', tokenize='unicode61 remove_diacritics 2')
        """,
        """
        CREATE TRIGGER IF NOT EXISTS incidents_fts_ai AFTER INSERT ON incidents BEGIN
            INSERT INTO incidents_fts(rowid, "Title", "Description") VALUES (new.rowid, new."Title", new."Description");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS incidents_fts_ad AFTER DELETE ON incidents BEGIN
            INSERT INTO incidents_fts(incidents_fts, rowid, "Title", "Description") VALUES ('delete', old.rowid, old."Title", old."Description");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS incidents_fts_au AFTER UPDATE OF "Title", "Description" ON incidents BEGIN
            INSERT INTO incidents_fts(incidents_fts, rowid, "Title", "Description") VALUES ('delete', old.rowid, old."Title", old."Description");
            INSERT INTO incidents_fts(rowid, "Title", "Description") VALUES (new.rowid, new."Title", new."Description");
        END
        """,
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS reports_fts USING fts5("Subject", "From", "Text",
            content='reports', tokenize='unicode61 remove_diacritics 2')
        """,
        """
        CREATE TRIGGER IF NOT EXISTS reports_fts_ai AFTER INSERT ON reports BEGIN
            INSERT INTO reports_fts(rowid, "Subject", "From", "Text") VALUES (new.rowid, new."Subject", new."From", new."Text");
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS reports_fts_ad AFTER DELETE ON reports BEGIN
            INSERT INTO reports_fts(reports_fts, rowid, "Subject", "From", "Text") VALUES ('delete', old.rowid, old."Subject", old."From", old."Text");
        END
        """,
        // Reports are written first and read later: the reading sets Text, which this trigger indexes.
        """
        CREATE TRIGGER IF NOT EXISTS reports_fts_au AFTER UPDATE OF "Subject", "From", "Text" ON reports BEGIN
            INSERT INTO reports_fts(reports_fts, rowid, "Subject", "From", "Text") VALUES ('delete', old.rowid, old."Subject", old."From", old."Text");
            INSERT INTO reports_fts(rowid, "Subject", "From", "Text") VALUES (new.rowid, new."Subject", new."From", new."Text");
        END
        """,
        .. HostIndex("incident_observables"),
        .. HostIndex("report_observables"),
        .. SqliteRebuild,
    ];

    public static readonly string[] SqliteDown =
    [
        "DROP TRIGGER IF EXISTS incidents_fts_ai", "DROP TRIGGER IF EXISTS incidents_fts_ad", "DROP TRIGGER IF EXISTS incidents_fts_au",
        "DROP TABLE IF EXISTS incidents_fts",
        "DROP TRIGGER IF EXISTS reports_fts_ai", "DROP TRIGGER IF EXISTS reports_fts_ad", "DROP TRIGGER IF EXISTS reports_fts_au",
        "DROP TABLE IF EXISTS reports_fts",
        .. HostDown("incident_observables"),
        .. HostDown("report_observables"),
    ];

    /// <summary>Every trigger <see cref="SqliteUp"/> creates (checked by tests after all migrations).</summary>
    public static readonly string[] SqliteTriggers =
    [
        "incidents_fts_ai", "incidents_fts_ad", "incidents_fts_au", "reports_fts_ai", "reports_fts_ad", "reports_fts_au",
        "incident_observables_hosts_ai", "incident_observables_hosts_ad", "incident_observables_hosts_au",
        "report_observables_hosts_ai", "report_observables_hosts_ad", "report_observables_hosts_au",
    ];

    // A contentless FTS5 table over host-bearing observables only (the others are never words worth
    // indexing): its rowid is the observable row's rowid. Contentless with contentless_delete (SQLite
    // 3.43+) rather than external content, because 'rebuild' would index every kind.
    private static string[] HostIndex(string table) =>
    [
        $"""
        CREATE VIRTUAL TABLE IF NOT EXISTS {table}_hosts USING fts5("Value", content='', contentless_delete=1,
            tokenize='unicode61 remove_diacritics 0')
        """,
        $"""
        CREATE TRIGGER IF NOT EXISTS {table}_hosts_ai AFTER INSERT ON {table} WHEN new."Kind" IN ({HostKinds}) BEGIN
            INSERT INTO {table}_hosts(rowid, "Value") VALUES (new.rowid, new."Value");
        END
        """,
        $"""
        CREATE TRIGGER IF NOT EXISTS {table}_hosts_ad AFTER DELETE ON {table} WHEN old."Kind" IN ({HostKinds}) BEGIN
            DELETE FROM {table}_hosts WHERE rowid = old.rowid;
        END
        """,
        $"""
        CREATE TRIGGER IF NOT EXISTS {table}_hosts_au AFTER UPDATE OF "Kind", "Value" ON {table} BEGIN
            DELETE FROM {table}_hosts WHERE rowid = old.rowid;
            INSERT INTO {table}_hosts(rowid, "Value") SELECT new.rowid, new."Value" WHERE new."Kind" IN ({HostKinds});
        END
        """,
    ];

    private static string[] HostRebuild(string table) =>
    [
        $"DELETE FROM {table}_hosts",
        $"""INSERT INTO {table}_hosts(rowid, "Value") SELECT rowid, "Value" FROM {table} WHERE "Kind" IN ({HostKinds})""",
    ];

    private static string[] HostDown(string table) =>
    [
        $"DROP TRIGGER IF EXISTS {table}_hosts_ai", $"DROP TRIGGER IF EXISTS {table}_hosts_ad", $"DROP TRIGGER IF EXISTS {table}_hosts_au",
        $"DROP TABLE IF EXISTS {table}_hosts",
    ];

    /// <summary>The host of a host-bearing observable, as SQL (PostgreSQL): the domain itself, the part after the last @, a URL's host.</summary>
    internal const string PostgresHost = """
        (CASE "Kind" WHEN 'Domain' THEN "Value"
          WHEN 'Email' THEN substring("Value" from '@([^@]*)$')
          WHEN 'Url' THEN lower(substring("Value" from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:\[\]]+)'))
         END)
        """;

    /// <summary>An IP or CIDR observable's value as <c>inet</c> (PostgreSQL); NULL for other kinds, so no other value is ever cast.</summary>
    internal const string PostgresInet = """(CASE WHEN "Kind" IN ('IPv4','IPv6','Cidr') THEN "Value"::inet END)""";

    public static readonly string[] PostgresUp =
    [
        """
        ALTER TABLE incidents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, coalesce("Title", '') || ' ' || left(coalesce("Description", ''), 100000))) STORED
        """,
        "CREATE INDEX ix_incidents_search_vector ON incidents USING gin (search_vector)",
        """
        ALTER TABLE reports ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, coalesce("Subject", '') || ' ' || coalesce("From", '') || ' ' || left(coalesce("Text", ''), 100000))) STORED
        """,
        "CREATE INDEX ix_reports_search_vector ON reports USING gin (search_vector)",
        .. PostgresObservableIndexes("incident_observables"),
        .. PostgresObservableIndexes("report_observables"),
    ];

    public static readonly string[] PostgresDown =
    [
        "DROP INDEX IF EXISTS ix_incident_observables_inet", "DROP INDEX IF EXISTS ix_incident_observables_host",
        "DROP INDEX IF EXISTS ix_report_observables_inet", "DROP INDEX IF EXISTS ix_report_observables_host",
        "DROP INDEX IF EXISTS ix_reports_search_vector", "ALTER TABLE reports DROP COLUMN IF EXISTS search_vector",
        "DROP INDEX IF EXISTS ix_incidents_search_vector", "ALTER TABLE incidents DROP COLUMN IF EXISTS search_vector",
    ];

    private static string[] PostgresObservableIndexes(string table) =>
    [
        $"CREATE INDEX ix_{table}_inet ON {table} USING gist ({PostgresInet} inet_ops) WHERE \"Kind\" IN ({IpKinds})",
        $"CREATE INDEX ix_{table}_host ON {table} (reverse({PostgresHost}) text_pattern_ops) WHERE \"Kind\" IN ({HostKinds})",
    ];
}
