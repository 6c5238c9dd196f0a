using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigie.Core.Incidents;

namespace Vigie.Features.Reviews;

internal sealed class IncidentReviewConfiguration : IEntityTypeConfiguration<IncidentReview>
{
    public void Configure(EntityTypeBuilder<IncidentReview> b)
    {
        b.ToTable("incident_reviews");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        // One review per incident; the closing rule looks it up by incident.
        b.HasIndex(r => r.IncidentId).IsUnique();
        b.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentId).OnDelete(DeleteBehavior.Cascade);
        foreach (var text in new[] { nameof(IncidentReview.TimelineSummary), nameof(IncidentReview.RootCause), nameof(IncidentReview.WhatWorked),
                     nameof(IncidentReview.WhatDidNotWork), nameof(IncidentReview.PreventiveMeasures), nameof(IncidentReview.Lessons) })
        {
            b.Property<string?>(text).HasMaxLength(ReviewService.MaxTextLength);
        }
        b.Ignore(r => r.IsComplete);
        b.Property(r => r.CompletedBy).HasMaxLength(254);
        b.Property(r => r.CreatedBy).HasMaxLength(254).IsRequired();
        b.Property(r => r.UpdatedBy).HasMaxLength(254).IsRequired();
        b.HasMany(r => r.Recommendations).WithOne().HasForeignKey(x => x.ReviewId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Recommendations).HasField("_recommendations").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ReviewRecommendationConfiguration : IEntityTypeConfiguration<ReviewRecommendation>
{
    public void Configure(EntityTypeBuilder<ReviewRecommendation> b)
    {
        b.ToTable("review_recommendations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Text).HasMaxLength(ReviewService.MaxRecommendationLength).IsRequired();
        b.Property(r => r.Owner).HasMaxLength(254);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(r => new { r.ReviewId, r.Position });
    }
}
