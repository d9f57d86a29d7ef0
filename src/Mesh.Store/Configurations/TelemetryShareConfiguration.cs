using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class TelemetryShareConfiguration : IEntityTypeConfiguration<TelemetryShare>
{
    public void Configure(EntityTypeBuilder<TelemetryShare> builder)
    {
        builder.ToTable("telemetry_shares");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Replica).HasMaxLength(100);
        builder.HasIndex(s => s.At);
    }
}
