using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigie.Features.Identity;

/// <summary>
/// Roles of the issue "Identity and access": staff (admin, lead, analyst, auditor) and constituent
/// contacts, who will only ever see their own organisation through the portal.
/// </summary>
public enum UserRole
{
    Admin,
    Lead,
    Analyst,
    Auditor,
    Constituent,
}

/// <summary>A person who signs in. Team members identify by full name (RFC 2350 §2.8).</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>Normalised e-mail address, unique.</summary>
    public string Email { get; set; } = "";

    public string FullName { get; set; } = "";

    public UserRole Role { get; set; }

    /// <summary>For <see cref="UserRole.Constituent"/> users: the organisation they belong to.</summary>
    public Guid? ConstituentId { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash format (<c>PasswordHasher</c>).</summary>
    public string PasswordHash { get; set; } = "";

    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The RFC 6238 shared secret, encrypted with DataProtection (<see cref="TwoFactor"/>); never in clear
    /// in the database. Set at enrolment; active only once <see cref="TotpEnabledAt"/> is set.
    /// </summary>
    public string? TotpSecret { get; set; }

    /// <summary>When the second factor was confirmed with a first code; null = not enrolled.</summary>
    public DateTimeOffset? TotpEnabledAt { get; set; }

    /// <summary>The last 30-second step whose code was accepted: a code is never accepted twice (RFC 6238 §5.2).</summary>
    public long? TotpLastStep { get; set; }

    /// <summary>Failed attempts (password or code) since the last success or lockout.</summary>
    public int FailedSignIns { get; set; }

    /// <summary>While in the future, sign-in is refused whatever the password.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Staff must hold a second factor; constituent contacts may.</summary>
    public bool RequiresTwoFactor => IsStaff;

    public bool HasTwoFactor => TotpEnabledAt is not null && TotpSecret is not null;

    public bool IsStaff => Role is UserRole.Admin or UserRole.Lead or UserRole.Analyst or UserRole.Auditor;
}

/// <summary>What an API token may do, on top of what its user's role allows.</summary>
public enum TokenScope
{
    Read,
    Write,
    Admin,
}

/// <summary>A personal API token. Only its SHA-256 is stored; the token is shown once, at creation.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The first characters of the token, to recognise it in a list without revealing it.</summary>
    public string Prefix { get; set; } = "";

    public string Hash { get; set; } = "";

    public TokenScope Scope { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).ValueGeneratedNever();
        b.Property(u => u.Email).HasMaxLength(254).IsRequired();
        b.HasIndex(u => u.Email).IsUnique();
        b.Property(u => u.FullName).HasMaxLength(200).IsRequired();
        b.Property(u => u.PasswordHash).HasMaxLength(200).IsRequired();
        b.Property(u => u.TotpSecret).HasMaxLength(500);
        b.Ignore(u => u.IsStaff);
        b.Ignore(u => u.RequiresTwoFactor);
        b.Ignore(u => u.HasTwoFactor);
        b.HasOne<Core.Constituents.Constituent>().WithMany().HasForeignKey(u => u.ConstituentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(100).IsRequired();
        b.Property(t => t.Prefix).HasMaxLength(16).IsRequired();
        b.Property(t => t.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A single-use recovery code of the second factor; only its SHA-256 is kept, the code is shown once.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string Hash { get; set; } = "";

    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// One signed-in browser: its id travels in the cookie, so that revoking the row ends the session at the
/// next request (<see cref="Web.WebSetup"/> revalidates every request against it).
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public string? Ip { get; set; }

    public string? UserAgent { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> b)
    {
        b.ToTable("user_recovery_codes");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        b.HasIndex(c => new { c.UserId, c.Hash }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Ip).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(300);
        b.HasIndex(s => s.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
