using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class RolloutConfiguration : IEntityTypeConfiguration<Rollout>
{
    public void Configure(EntityTypeBuilder<Rollout> builder)
    {
        builder.ToTable("rollouts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Service).HasMaxLength(63);
        builder.Property(r => r.CanarySubset).HasMaxLength(63);
        builder.Property(r => r.StableSubset).HasMaxLength(63);
        builder.Property(r => r.Steps).HasMaxLength(200);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Message).HasMaxLength(2000);
        builder.Property(r => r.StartedBy).HasMaxLength(255);
        builder.Property(r => r.Reason).HasMaxLength(2000);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.Service, r.State });
    }
}
