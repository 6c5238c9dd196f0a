using Microsoft.EntityFrameworkCore;
using Vigie.Core.Constituents;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;

namespace Vigie.Data;

/// <summary>
/// The model, shared by both providers. Entity configuration lives with each feature
/// (<c>Features/*/…Configuration.cs</c>); provider quirks live in the two subclasses, which also
/// give each provider its own migration set (Data/Migrations/Sqlite, Data/Migrations/Postgres).
/// </summary>
public abstract class VigieDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<TimelineEvent> TimelineEvents => Set<TimelineEvent>();

    public DbSet<IncidentTask> IncidentTasks => Set<IncidentTask>();

    public DbSet<IncidentObservable> IncidentObservables => Set<IncidentObservable>();

    public DbSet<IncidentCounter> IncidentCounters => Set<IncidentCounter>();

    public DbSet<Constituent> Constituents => Set<Constituent>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<ConstituentScope> Scopes => Set<ConstituentScope>();

    public DbSet<Report> Reports => Set<Report>();

    public DbSet<ReportObservable> ReportObservables => Set<ReportObservable>();

    public DbSet<ReportAttachment> ReportAttachments => Set<ReportAttachment>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Features.Mail.OutboundMessage> OutboundMessages => Set<Features.Mail.OutboundMessage>();

    public DbSet<Features.Correspondence.CorrespondenceParty> CorrespondenceParties => Set<Features.Correspondence.CorrespondenceParty>();

    public DbSet<Features.Correspondence.Consent> Consents => Set<Features.Correspondence.Consent>();

    public DbSet<Features.Correspondence.CorrespondenceMessage> CorrespondenceMessages => Set<Features.Correspondence.CorrespondenceMessage>();

    public DbSet<Features.Correspondence.CorrespondenceTemplate> CorrespondenceTemplates => Set<Features.Correspondence.CorrespondenceTemplate>();

    public DbSet<Core.Playbooks.Playbook> Playbooks => Set<Core.Playbooks.Playbook>();

    public DbSet<Features.Evidence.EvidenceItem> EvidenceItems => Set<Features.Evidence.EvidenceItem>();

    public DbSet<Features.Evidence.CustodyEntry> CustodyEntries => Set<Features.Evidence.CustodyEntry>();

    public DbSet<Features.Reviews.IncidentReview> IncidentReviews => Set<Features.Reviews.IncidentReview>();

    public DbSet<Features.Reviews.ReviewRecommendation> ReviewRecommendations => Set<Features.Reviews.ReviewRecommendation>();

    public DbSet<Features.OnCall.OnCallEntry> OnCallEntries => Set<Features.OnCall.OnCallEntry>();

    public DbSet<Features.OnCall.OnCallPage> OnCallPages => Set<Features.OnCall.OnCallPage>();

    public DbSet<Features.OnCall.OnCallHoleAlert> OnCallHoleAlerts => Set<Features.OnCall.OnCallHoleAlert>();

    public DbSet<Features.PublicSite.Rfc2350Version> Rfc2350Versions => Set<Features.PublicSite.Rfc2350Version>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(VigieDb).Assembly, t => !t.IsAbstract);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as their names: readable in SQL, stable when members are reordered.
        configurationBuilder.Properties<IncidentState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Severity>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Impact>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Priority>().HaveConversion<string>().HaveMaxLength(4);
        configurationBuilder.Properties<Tlp>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Pap>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<TimelineKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<TaskKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Core.Incidents.TaskStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ConstituentKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ScopeKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ContactRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ReportSource>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ReportStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<TriageStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ReportKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DecryptionStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<SignatureStatus>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<UserRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<TokenScope>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Features.Mail.OutboundStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Features.Mail.OutboundKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Core.Sharing.PartyKind>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<Core.Sharing.ConsentScopeKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Core.Sharing.MessageDirection>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<Core.Sharing.MessageStatus>().HaveConversion<string>().HaveMaxLength(16);
    }
}
