using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class TopologyRollupConfiguration : IEntityTypeConfiguration<TopologyRollup>
{
    public void Configure(EntityTypeBuilder<TopologyRollup> builder)
    {
        builder.ToTable("topology_rollups");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Replica).HasMaxLength(100);
        builder.Property(r => r.Source).HasMaxLength(255);
        builder.Property(r => r.Destination).HasMaxLength(255);
        builder.Property(r => r.Protocol).HasMaxLength(16);
        builder.HasIndex(r => new { r.Minute, r.Replica, r.Source, r.Destination, r.Protocol }).IsUnique();
    }
}
