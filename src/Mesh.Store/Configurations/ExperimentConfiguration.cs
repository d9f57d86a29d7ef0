using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("experiments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Name).HasMaxLength(100);
        builder.Property(e => e.Target).HasMaxLength(63);
        builder.Property(e => e.SourceService).HasMaxLength(63);
        builder.Property(e => e.HeaderName).HasMaxLength(100);
        builder.Property(e => e.HeaderValue).HasMaxLength(200);
        builder.Property(e => e.ConditionSource).HasMaxLength(63);
        builder.Property(e => e.ConditionDestination).HasMaxLength(63);
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Reason).HasMaxLength(2000);
        builder.Property(e => e.StartedBy).HasMaxLength(200);
        builder.Property(e => e.EndedBy).HasMaxLength(200);
        builder.Property(e => e.EndReason).HasMaxLength(500);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.HasIndex(e => new { e.State, e.StartedAt });
    }
}
