using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Core.Taxonomy;
using Vigie.Features.Search;

namespace Vigie.Bench;

/// <summary>
/// The workspace bench's data: incidents over eleven years with observables and timelines, and
/// reports (mostly attached to the incident of their time) with the observables intake would have
/// extracted. Deterministic (fixed seed); written in bulk: one prepared INSERT per table in one
/// transaction on SQLite, binary COPY on PostgreSQL; the search indexes are built once at the end
/// (<see cref="SearchSchema"/>), as after a restore.
/// </summary>
internal sealed class WorkspaceSeed(int incidents, int reports, IReadOnlyList<Guid> constituents)
{
    private const int Seed = 20_261_128;
    public static readonly DateTimeOffset Start = new(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string BenchUser = "bench-analyst@vigie.invalid";

    // ------------------------------------------------------------ pools

    /// <summary>2,000 public-looking /24 networks, 50 addresses used in each (100,000 addresses).</summary>
    public static readonly string[] Networks = MakeNetworks();

    /// <summary>The first 50 addresses of the pool are "scanners": 5 % of all address mentions.</summary>
    public const int HotAddresses = 50;

    public static readonly string[] Domains = MakeDomains(20_000);

    public static readonly string[] Hashes = MakeHashes(50_000);

    /// <summary>Malware and campaign names: the rarer words of titles and texts (Zipf-like use).</summary>
    public static readonly string[] Families = MakeFamilies(400);

    public static string Address(int i) => Networks[i / 50 % Networks.Length] + "." + (10 + i % 50).ToString(Inv);

    private static string[] MakeNetworks()
    {
        var random = new Random(Seed);
        int[] firsts = [5, 31, 37, 45, 46, 62, 77, 78, 80, 81, 82, 83, 84, 85, 87, 88, 89, 91, 92, 93, 94, 95, 109, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217];
        var set = new HashSet<string>();
        while (set.Count < 2000)
        {
            set.Add(string.Create(Inv, $"{firsts[random.Next(firsts.Length)]}.{random.Next(256)}.{random.Next(256)}"));
        }
        return [.. set];
    }

    private static string[] MakeDomains(int count)
    {
        var random = new Random(Seed + 1);
        string[] a = ["secure", "login", "account", "verify", "update", "cloud", "mail", "pay", "bank", "portal", "web", "my", "online", "service", "support", "auth", "id", "client", "office", "shop"];
        string[] b = ["alpha", "nova", "prime", "delta", "sigma", "orion", "vega", "atlas", "nexus", "zen", "apex", "terra", "lumen", "pixel", "quant", "rapid", "solid", "vertex", "hyper", "micro"];
        string[] tlds = ["com", "net", "org", "info", "xyz", "top", "ru", "cn", "fr", "de", "io", "co", "biz", "online", "site"];
        var set = new HashSet<string>();
        while (set.Count < count)
        {
            set.Add(string.Create(Inv, $"{a[random.Next(a.Length)]}-{b[random.Next(b.Length)]}{random.Next(1000)}.{tlds[random.Next(tlds.Length)]}"));
        }
        return [.. set];
    }

    private static string[] MakeHashes(int count)
    {
        var random = new Random(Seed + 2);
        var bytes = new byte[32];
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            random.NextBytes(bytes);
            return Convert.ToHexString(bytes).ToLowerInvariant();
        })];
    }

    private static string[] MakeFamilies(int count)
    {
        var random = new Random(Seed + 3);
        string[] syllables = ["ka", "zo", "ri", "mu", "te", "lo", "vex", "dra", "qui", "nor", "bel", "tas", "gon", "fyr", "pha", "lix", "sor", "mab", "cru", "xen"];
        var set = new HashSet<string>();
        while (set.Count < count)
        {
            var n = 2 + random.Next(2);
            var word = string.Concat(Enumerable.Range(0, n).Select(_ => syllables[random.Next(syllables.Length)]));
            set.Add(char.ToUpperInvariant(word[0]) + word[1..]);
        }
        return [.. set];
    }

    private static readonly string[] Reporters = [.. Enumerable.Range(0, 400).Select(i => (i % 4) switch
    {
        0 => "abuse@isp" + i.ToString(Inv) + ".example",
        1 => "soc" + i.ToString(Inv) + "@partner-csirt.example",
        2 => "noreply" + i.ToString(Inv) + "@feeds.example",
        _ => "user" + i.ToString(Inv) + "@mail.example",
    })];

    private static readonly string[] Analysts =
    [
        "a.martin@csirt.invalid", "b.bernard@csirt.invalid", "c.dubois@csirt.invalid", "d.thomas@csirt.invalid",
        "e.robert@csirt.invalid", "f.richard@csirt.invalid", "g.petit@csirt.invalid", "h.durand@csirt.invalid",
    ];

    private static readonly (string Subject, string Sentence)[] Events =
    [
        ("Phishing site", "A phishing page imitating an online banking login is hosted at {url} and was reported by several users."),
        ("Scanning activity", "We observed repeated SSH and RDP scanning from {ip} against our sensors during the last 24 hours."),
        ("Malware infection", "Host {ip} contacted the {family} command and control server {domain}; sample SHA-256 {hash}."),
        ("Compromised website", "The website {domain} serves a malicious script that redirects visitors to {url}."),
        ("Spam run", "A spam campaign advertising {family} sends mail through {ip}; the messages link to {url}."),
        ("Vulnerable service", "An exposed service at {ip} is vulnerable; the scan found an outdated version affected by a known flaw."),
        ("Brute force", "Authentication failures from {ip} against the VPN gateway, more than ten thousand attempts per hour."),
        ("Ransomware", "Encrypted files with a {family} ransom note were found; the dropper hash is {hash}, downloaded from {url}."),
    ];

    // ------------------------------------------------------------ rows

    public sealed class IncidentRow
    {
        public Guid Id;
        public int Year;
        public int Sequence;
        public string Number = "";
        public long Ordinal;
        public string Title = "";
        public string? Description;
        public string? RsitClass;
        public string? RsitType;
        public Severity Severity;
        public Impact Impact;
        public Tlp Tlp;
        public Pap Pap;
        public IncidentState State;
        public Guid? ConstituentId;
        public string? Assignee;
        public string CreatedBy = "";
        public DateTimeOffset CreatedAt;
        public DateTimeOffset UpdatedAt;
        public List<ObservableValue> Observables = [];
    }

    public sealed class ReportRow
    {
        public Guid Id;
        public string Sha256 = "";
        public string Subject = "";
        public string From = "";
        public string Text = "";
        public DateTimeOffset ReceivedAt;
        public Guid? IncidentId;
        public TriageStatus Triage;
        public List<ObservableValue> Observables = [];
    }

    /// <summary>Incident ids in order, so reports can be attached without a second pass over the incidents.</summary>
    private Guid[]? _incidentIds;

    public IEnumerable<IncidentRow> Incidents()
    {
        var random = new Random(Seed + 10);
        var classes = RsitTaxonomy.Default.Classes.Where(c => c.Types.Count > 0).ToArray();
        var ids = new Guid[incidents];
        var perYear = new Dictionary<int, int>();
        var row = new IncidentRow();
        var span = End - Start;
        for (var i = 0; i < incidents; i++)
        {
            var created = Start + span * ((i + random.NextDouble() * 0.9) / incidents);
            var year = created.Year;
            var seq = perYear[year] = perYear.GetValueOrDefault(year) + 1;
            var age = incidents - 1 - i;
            var rsit = classes[random.Next(classes.Length)];
            var type = rsit.Types[random.Next(rsit.Types.Count)];
            var family = Family(random);
            var network = Networks[random.Next(Networks.Length)];
            row.Id = V7(created, random);
            ids[i] = row.Id;
            row.Year = year;
            row.Sequence = seq;
            row.Number = IncidentNumber.Format(year, seq);
            row.Ordinal = IncidentNumber.Ordinal(year, seq);
            row.RsitClass = rsit.Value;
            row.RsitType = type.Value;
            row.Severity = (Severity)(random.Next(4) + 1);
            row.Impact = (Impact)(random.Next(4) + 1);
            var tlp = random.Next(100);
            row.Tlp = tlp < 4 ? Tlp.Red : tlp < 30 ? Tlp.AmberStrict : tlp < 86 ? Tlp.Amber : Tlp.Green;
            row.Pap = (Pap)random.Next(4);
            row.State = age < 300 ? (IncidentState)random.Next(0, 4) : random.NextDouble() < 0.01 ? IncidentState.Open : IncidentState.Closed;
            row.ConstituentId = random.NextDouble() < 0.05 ? null : constituents[(int)(Math.Pow(random.NextDouble(), 2) * constituents.Count)];
            row.Assignee = row.State == IncidentState.New ? null : Analysts[random.Next(Analysts.Length)];
            row.CreatedBy = random.NextDouble() < 0.7 ? "intake@vigie.invalid" : Analysts[random.Next(Analysts.Length)];
            row.CreatedAt = created;
            row.UpdatedAt = created.AddMinutes(random.Next(5, 60 * 24 * 20));
            row.Title = $"{type.Label} – {family} ({network}.0/24)";
            row.Description = $"Reported on {created:yyyy-MM-dd}. {family} activity seen from {network}.{10 + random.Next(50)}; " +
                "the constituent was notified and asked to confirm remediation.";
            row.Observables.Clear();
            var count = random.Next(5);
            for (var k = 0; k < count; k++)
            {
                var pick = random.Next(10);
                row.Observables.Add(pick switch
                {
                    < 7 => new ObservableValue(ObservableKind.IPv4, PickAddress(random)),
                    7 => new ObservableValue(ObservableKind.Cidr, Networks[random.Next(Networks.Length)] + ".0/24"),
                    8 => new ObservableValue(ObservableKind.Domain, Domains[random.Next(Domains.Length)]),
                    _ => new ObservableValue(ObservableKind.Sha256, Hashes[random.Next(Hashes.Length)]),
                });
            }
            row.Observables = [.. row.Observables.Distinct()];
            yield return row;
        }
        _incidentIds = ids;
    }

    /// <summary>Reports in time order; 85 % attached to an incident opened about then.</summary>
    public IEnumerable<ReportRow> Reports()
    {
        var ids = _incidentIds ?? throw new InvalidOperationException("Enumerate the incidents first.");
        var random = new Random(Seed + 20);
        var row = new ReportRow();
        var span = End - Start;
        var hash = new byte[32];
        var text = new StringBuilder(1024);
        for (var j = 0; j < reports; j++)
        {
            var received = Start + span * ((j + random.NextDouble() * 0.9) / reports);
            var near = (int)((long)j * incidents / reports);
            var linked = random.NextDouble() < 0.85;
            row.Id = V7(received, random);
            random.NextBytes(hash);
            row.Sha256 = Convert.ToHexString(hash).ToLowerInvariant();
            row.ReceivedAt = received;
            row.IncidentId = linked ? ids[Math.Max(0, near - random.Next(4))] : null;
            row.Triage = linked ? TriageStatus.Linked : reports - j < 3000 ? TriageStatus.Pending
                : (TriageStatus)(2 + random.Next(4));
            row.From = Reporters[random.Next(Reporters.Length)];
            row.Observables.Clear();
            var ip = PickAddress(random);
            var domain = Domains[random.Next(Domains.Length)];
            var url = $"https://{(random.Next(3) == 0 ? "login." : "")}{domain}/{Families[random.Next(Families.Length)].ToLowerInvariant()}/index.php";
            var sha = Hashes[random.Next(Hashes.Length)];
            var family = Family(random);
            var (subject, sentence) = Events[random.Next(Events.Length)];
            row.Subject = $"{subject}: {ip}";
            text.Clear().Append("Hello,\n\n")
                .Append(sentence.Replace("{ip}", ip).Replace("{url}", url).Replace("{domain}", domain).Replace("{hash}", sha).Replace("{family}", family))
                .Append("\nFirst seen ").Append(received.AddHours(-random.Next(1, 72)).ToString("yyyy-MM-dd HH:mm", Inv)).Append(" UTC.")
                .Append(" Please take the necessary steps and let us know when the issue is resolved; logs are available on request.")
                .Append("\n\nRegards,\n").Append(row.From);
            row.Text = text.ToString();
            row.Observables.Add(new ObservableValue(ObservableKind.IPv4, ip));
            if (sentence.Contains("{url}", StringComparison.Ordinal))
            {
                row.Observables.Add(new ObservableValue(ObservableKind.Url, url));
            }
            if (sentence.Contains("{domain}", StringComparison.Ordinal))
            {
                row.Observables.Add(new ObservableValue(ObservableKind.Domain, domain));
            }
            if (sentence.Contains("{hash}", StringComparison.Ordinal))
            {
                row.Observables.Add(new ObservableValue(ObservableKind.Sha256, sha));
            }
            row.Observables.Add(new ObservableValue(ObservableKind.Email, row.From));
            yield return row;
        }
    }

    /// <summary>
    /// A version 7 UUID (RFC 9562 §5.7) from the seeded generator, so every pass over the data
    /// gives the same keys (Guid.CreateVersion7 draws its random bits from the system).
    /// </summary>
    private static Guid V7(DateTimeOffset at, Random random)
    {
        Span<byte> b = stackalloc byte[16];
        random.NextBytes(b);
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            b[i] = (byte)(ms >> (8 * (5 - i)));
        }
        b[6] = (byte)(0x70 | (b[6] & 0x0F));
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return new Guid(b, bigEndian: true);
    }

    private static string PickAddress(Random random) =>
        random.NextDouble() < 0.05 ? Address(random.Next(HotAddresses)) : Address(random.Next(Networks.Length * 50));

    private static string Family(Random random) => Families[(int)(Math.Pow(random.NextDouble(), 3) * Families.Length)];

    // ------------------------------------------------------------ writers

    private static readonly string[] IncidentColumns = ["Id", "Year", "Sequence", "Number", "Ordinal", "Title", "Description", "RsitClass", "RsitType",
        "Severity", "Impact", "Priority", "Tlp", "Pap", "State", "ConstituentId", "Assignee", "CreatedBy", "CreatedAt", "UpdatedAt"];

    private static readonly string[] IncidentObservableColumns = ["Id", "IncidentId", "Kind", "Value", "IsPrivateOrReserved", "AddedBy", "AddedAt"];

    private static readonly string[] TimelineColumns = ["Id", "IncidentId", "Kind", "Actor", "At", "Data"];

    private static readonly string[] ReportColumns = ["Id", "Sha256", "Size", "Subject", "From", "Source", "Status", "SubmittedBy", "ReceivedAt",
        "IncidentId", "Triage", "Kind", "Decryption", "Signature", "Text", "Flagged", "Problems", "RecordCount", "ProcessedAt"];

    private static readonly string[] ReportObservableColumns = ["Id", "ReportId", "Kind", "Value", "IsPrivateOrReserved", "Location", "Start", "Length"];

    private static object?[] IncidentValues(IncidentRow r) =>
    [
        r.Id, r.Year, r.Sequence, r.Number, r.Ordinal, r.Title, r.Description, r.RsitClass, r.RsitType,
        r.Severity.ToString(), r.Impact.ToString(), PriorityMatrix.Derive(r.Severity, r.Impact).ToString(), r.Tlp.ToString(), r.Pap.ToString(),
        r.State.ToString(), r.ConstituentId, r.Assignee, r.CreatedBy, r.CreatedAt, r.UpdatedAt,
    ];

    private static IEnumerable<object?[]> IncidentObservableValues(IncidentRow r) =>
        r.Observables.Select(o => new object?[] { Guid.CreateVersion7(r.CreatedAt), r.Id, o.Kind.ToString(), o.Value, false, r.CreatedBy, r.CreatedAt });

    private static IEnumerable<object?[]> TimelineValues(IncidentRow r)
    {
        yield return [Guid.CreateVersion7(r.CreatedAt), r.Id, nameof(TimelineKind.Created), r.CreatedBy, r.CreatedAt,
            $$"""{"number":"{{r.Number}}","state":"new"}"""];
        if (r.State != IncidentState.New)
        {
            yield return [Guid.CreateVersion7(r.UpdatedAt), r.Id, nameof(TimelineKind.StateChanged), r.Assignee ?? r.CreatedBy, r.UpdatedAt,
                $$"""{"from":"new","to":"{{r.State.ToWire()}}"}"""];
        }
    }

    private static object?[] ReportValues(ReportRow r) =>
    [
        r.Id, r.Sha256, (long)r.Text.Length, r.Subject, r.From, nameof(ReportSource.Smtp), nameof(ReportStatus.Processed), "smtp", r.ReceivedAt,
        r.IncidentId, r.Triage.ToString(), nameof(ReportKind.IncidentReport), nameof(DecryptionStatus.NotEncrypted), nameof(SignatureStatus.NotSigned),
        r.Text, false, Array.Empty<string>(), 0, r.ReceivedAt.AddSeconds(2),
    ];

    private static IEnumerable<object?[]> ReportObservableValues(ReportRow r) =>
        r.Observables.Select((o, i) => new object?[] { Guid.CreateVersion7(r.ReceivedAt), r.Id, o.Kind.ToString(), o.Value, false, "text", i * 40, o.Value.Length });

    private static readonly string[] BulkTables = ["incidents", "incident_observables", "timeline_events", "reports", "report_observables"];

    private static void Report(string what, System.Diagnostics.Stopwatch stage)
    {
        Console.WriteLine(string.Create(Inv, $"seed: {what} {stage.Elapsed.TotalSeconds:F0} s"));
        stage.Restart();
    }

    // ------------------------------------------------------------ SQLite

    public void WriteSqlite(string connectionString)
    {
        using var conn = new SqliteConnection(connectionString);
        conn.Open();
        Execute(conn, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2097152; PRAGMA temp_store=MEMORY;");
        // Bulk load first, index the words once at the end (as the migration does on existing rows).
        foreach (var trigger in SearchSchema.SqliteTriggers)
        {
            Execute(conn, $"DROP TRIGGER IF EXISTS {trigger}");
        }
        // Secondary indexes are built once after the load (sorted), not row by row (random inserts).
        var indexes = new List<(string Name, string Sql)>();
        using (var read = conn.CreateCommand())
        {
            read.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(',', BulkTables.Select(t => $"'{t}'"))})";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            Execute(conn, $"DROP INDEX \"{name}\"");
        }
        var stage = System.Diagnostics.Stopwatch.StartNew();
        using (var tx = conn.BeginTransaction())
        {
            using var incidentsInsert = SqliteInsert(conn, tx, "incidents", IncidentColumns);
            using var observablesInsert = SqliteInsert(conn, tx, "incident_observables", IncidentObservableColumns);
            using var timelineInsert = SqliteInsert(conn, tx, "timeline_events", TimelineColumns);
            foreach (var r in Incidents())
            {
                Run(incidentsInsert, IncidentValues(r));
                foreach (var v in IncidentObservableValues(r))
                {
                    Run(observablesInsert, v);
                }
                foreach (var v in TimelineValues(r))
                {
                    Run(timelineInsert, v);
                }
            }
            using var reportsInsert = SqliteInsert(conn, tx, "reports", ReportColumns);
            using var reportObservablesInsert = SqliteInsert(conn, tx, "report_observables", ReportObservableColumns);
            foreach (var r in Reports())
            {
                Run(reportsInsert, ReportValues(r));
                foreach (var v in ReportObservableValues(r))
                {
                    Run(reportObservablesInsert, v);
                }
            }
            tx.Commit();
        }
        Report("rows", stage);
        foreach (var (_, sql) in indexes)
        {
            Execute(conn, sql);
        }
        Report("indexes", stage);
        foreach (var sql in SearchSchema.SqliteUp)
        {
            Execute(conn, sql);
        }
        Report("search indexes", stage);
        Execute(conn, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        Report("analyze", stage);
    }

    private static SqliteCommand SqliteInsert(SqliteConnection conn, SqliteTransaction tx, string table, string[] columns)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {table} ({string.Join(',', columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(',', columns.Select((_, i) => "$p" + i.ToString(Inv)))})";
        for (var i = 0; i < columns.Length; i++)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = "$p" + i.ToString(Inv) });
        }
        cmd.Prepare();
        return cmd;
    }

    // The values as EF's SQLite mapping stores them: GUIDs as upper-case text, instants as UTC ticks, lists as JSON.
    private static void Run(SqliteCommand cmd, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] switch
            {
                null => DBNull.Value,
                Guid g => g.ToString("D").ToUpperInvariant(),
                DateTimeOffset t => t.UtcTicks,
                bool b => b ? 1 : 0,
                string[] list => System.Text.Json.JsonSerializer.Serialize(list),
                var v => v,
            };
        }
        cmd.ExecuteNonQuery();
    }

    internal static void Execute(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 3600;
        cmd.ExecuteNonQuery();
    }

    // ------------------------------------------------------------ PostgreSQL

    public async Task WritePostgresAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        foreach (var sql in SearchSchema.PostgresDown)
        {
            await ExecuteAsync(conn, sql);
        }
        // Secondary indexes (not primary keys, which the foreign keys need) are built after the load.
        var indexes = new List<(string Name, string Sql)>();
        await using (var read = new NpgsqlCommand($"""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename IN ({string.Join(',', BulkTables.Select(t => $"'{t}'"))})
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """, conn))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(conn, $"DROP INDEX \"{name}\"");
        }
        var stage = System.Diagnostics.Stopwatch.StartNew();
        // Three passes over the same deterministic generator, one COPY each (one COPY at a time per connection).
        await CopyAsync(conn, "incidents", IncidentColumns, Incidents().Select(IncidentValues));
        await CopyAsync(conn, "incident_observables", IncidentObservableColumns, Incidents().SelectMany(IncidentObservableValues));
        await CopyAsync(conn, "timeline_events", TimelineColumns, Incidents().SelectMany(TimelineValues));
        await CopyAsync(conn, "reports", ReportColumns, Reports().Select(ReportValues));
        await CopyAsync(conn, "report_observables", ReportObservableColumns, Reports().SelectMany(ReportObservableValues));
        Report("rows", stage);
        await ExecuteAsync(conn, "SET maintenance_work_mem = '512MB'");
        foreach (var (_, sql) in indexes)
        {
            await ExecuteAsync(conn, sql);
        }
        Report("indexes", stage);
        foreach (var sql in SearchSchema.PostgresUp)
        {
            await ExecuteAsync(conn, sql);
        }
        Report("search indexes", stage);
        foreach (var table in new[] { "incidents", "incident_observables", "timeline_events", "reports", "report_observables", "constituents", "constituent_scopes" })
        {
            await ExecuteAsync(conn, $"VACUUM (ANALYZE) {table}");
        }
    }

    private static async Task CopyAsync(NpgsqlConnection conn, string table, string[] columns, IEnumerable<object?[]> rows)
    {
        await using var writer = await conn.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(',', columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)");
        writer.Timeout = TimeSpan.FromHours(1);
        foreach (var row in rows)
        {
            await writer.StartRowAsync();
            foreach (var v in row)
            {
                switch (v)
                {
                    case null: await writer.WriteNullAsync(); break;
                    case Guid g: await writer.WriteAsync(g, NpgsqlDbType.Uuid); break;
                    case DateTimeOffset t: await writer.WriteAsync(t, NpgsqlDbType.TimestampTz); break;
                    case string s: await writer.WriteAsync(s, NpgsqlDbType.Text); break;
                    case int i: await writer.WriteAsync(i, NpgsqlDbType.Integer); break;
                    case long l: await writer.WriteAsync(l, NpgsqlDbType.Bigint); break;
                    case bool b: await writer.WriteAsync(b, NpgsqlDbType.Boolean); break;
                    case string[] list: await writer.WriteAsync(list, NpgsqlDbType.Array | NpgsqlDbType.Text); break;
                    default: throw new NotSupportedException(v.GetType().Name);
                }
            }
        }
        await writer.CompleteAsync();
    }

    internal static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 3600 };
        await cmd.ExecuteNonQueryAsync();
    }
}
