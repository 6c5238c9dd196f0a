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
        b.Ignore(u => u.IsStaff);
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
