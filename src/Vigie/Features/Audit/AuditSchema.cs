namespace Vigie.Features.Audit;

/// <summary>
/// What EF does not model: triggers that refuse UPDATE and DELETE on the audit table, created by a
/// hand-written migration per provider (Data/Migrations/*/…_AuditAppendOnly.cs).
/// They guard against mistakes and against code paths that should not exist, not against the
/// database owner, who can drop them: the hash chain is what detects that (docs/audit.md).
/// </summary>
public static class AuditSchema
{
    public const string Table = "audit_entries";

    /// <summary>
    /// The seam for the retention purge (issue 7 §7): on PostgreSQL a transaction that runs
    /// <c>SET LOCAL vigie.audit_purge = 'on'</c> may DELETE (never UPDATE) entries; it must delete a
    /// prefix of the chain only and append a <see cref="AuditActions.Purge"/> entry whose detail names
    /// <c>through</c> (the last removed sequence number), so that verification knows where the chain starts.
    /// </summary>
    public const string PurgeSetting = "vigie.audit_purge";

    public static readonly string[] PostgresUp =
    [
        $"""
        CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' AND current_setting('{PurgeSetting}', true) = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        """,
        $"""
        CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON {Table}
            FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
        """,
        $"""
        CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON {Table}
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
        """,
    ];

    public static readonly string[] PostgresDown =
    [
        $"DROP TRIGGER IF EXISTS audit_entries_no_truncate ON {Table};",
        $"DROP TRIGGER IF EXISTS audit_entries_append_only ON {Table};",
        "DROP FUNCTION IF EXISTS audit_entries_append_only();",
    ];

    /// <summary>SQLite: the purge drops and re-creates <c>audit_entries_no_delete</c> inside its transaction (DDL is transactional there).</summary>
    public static readonly string[] SqliteUp =
    [
        $"CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON {Table} BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END;",
        $"CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON {Table} BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END;",
    ];

    public static readonly string[] SqliteDown =
    [
        "DROP TRIGGER IF EXISTS audit_entries_no_update;",
        "DROP TRIGGER IF EXISTS audit_entries_no_delete;",
    ];
}
