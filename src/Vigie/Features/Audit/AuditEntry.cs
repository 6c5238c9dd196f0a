using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigie.Features.Audit;

/// <summary>Stable action codes (docs/audit.md). Never renamed: old entries keep their code and their hash.</summary>
public static class AuditActions
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string SignOut = "sign-out";
    public const string TokenRefused = "token-refused";
    public const string Read = "read";
    public const string Create = "create";
    public const string Change = "change";
    public const string Share = "share";
    public const string Export = "export";
    public const string Admin = "admin";

    /// <summary>Reserved for the retention purge (issue 7 §7): the entry that says which prefix of the chain was removed.</summary>
    public const string Purge = "purge";

    public static readonly string[] All = [SignIn, SignInFailed, SignOut, TokenRefused, Read, Create, Change, Share, Export, Admin, Purge];
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
    public const string NotFound = "not-found";
}

/// <summary>
/// One entry of the append-only, hash-chained audit log. Each entry's <see cref="Hash"/> is the
/// SHA-256 of its canonical form (<see cref="Canonical"/>), which includes the previous entry's hash:
/// changing, removing or reordering an entry breaks the chain at that point (docs/audit.md).
/// There is deliberately no way to change or delete an entry in the code.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The hash the first entry points to.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public const int MaxDetailLength = 2000;

    /// <summary>1, 2, 3…: no gaps; unique (the primary key), so two writers can never both append the same number.</summary>
    public long Sequence { get; init; }

    /// <summary>UTC, truncated to the microsecond (PostgreSQL's precision), so the hashed text survives a round trip.</summary>
    public DateTimeOffset At { get; init; }

    public Guid? ActorId { get; init; }

    /// <summary>The person's e-mail address, or "anonymous", "system", "cli:&lt;os user&gt;".</summary>
    public string Actor { get; init; } = "";

    public string? ClientIp { get; init; }

    public string Action { get; init; } = "";

    public string? ObjectKind { get; init; }

    public string? ObjectId { get; init; }

    public string Outcome { get; init; } = AuditOutcomes.Success;

    /// <summary>A small JSON object of strings; never a password, token or secret. Stored and hashed as text.</summary>
    public string? Detail { get; init; }

    public string PrevHash { get; init; } = Genesis;

    public string Hash { get; private set; } = "";

    /// <summary>Computes and sets <see cref="Hash"/> once every other field is set.</summary>
    internal void Seal() => Hash = ComputeHash();

    /// <summary>
    /// The bytes that are hashed: a fixed header, then every field as a netstring
    /// (<c>&lt;byte length&gt;:&lt;UTF-8 bytes&gt;,</c>) in a fixed order, absent values as empty strings.
    /// Unambiguous and easy to recompute outside Vigie (docs/audit.md shows it).
    /// </summary>
    public byte[] Canonical(long? sequence = null)
    {
        var fields = new[]
        {
            "vigie-audit-v1",
            (sequence ?? Sequence).ToString(CultureInfo.InvariantCulture),
            FormatInstant(At),
            ActorId?.ToString("D") ?? "",
            Actor,
            ClientIp ?? "",
            Action,
            ObjectKind ?? "",
            ObjectId ?? "",
            Outcome,
            Detail ?? "",
            PrevHash,
        };
        var builder = new StringBuilder();
        foreach (var field in fields)
        {
            builder.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(',');
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>The hash this entry should carry, computed from its fields (optionally as if it had another sequence number).</summary>
    public string ComputeHash(long? sequence = null) => Convert.ToHexStringLower(SHA256.HashData(Canonical(sequence)));

    public static string FormatInstant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Truncate(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable(AuditSchema.Table);
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(320).IsRequired();
        b.Property(e => e.ClientIp).HasMaxLength(64);
        b.Property(e => e.Action).HasMaxLength(32).IsRequired();
        b.Property(e => e.ObjectKind).HasMaxLength(32);
        b.Property(e => e.ObjectId).HasMaxLength(128);
        b.Property(e => e.Outcome).HasMaxLength(16).IsRequired();
        // Text, never jsonb: the hash covers the exact characters stored.
        b.Property(e => e.Detail).HasMaxLength(AuditEntry.MaxDetailLength);
        b.Property(e => e.PrevHash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.Property(e => e.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        // The auditor's filters; verification finds an entry's predecessor by hash when naming a reordering.
        b.HasIndex(e => e.Hash);
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.Actor, e.Sequence });
        b.HasIndex(e => new { e.Action, e.Sequence });
        b.HasIndex(e => new { e.ObjectKind, e.ObjectId, e.Sequence });
    }
}
