using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class SidecarInstanceConfiguration : IEntityTypeConfiguration<SidecarInstance>
{
    public void Configure(EntityTypeBuilder<SidecarInstance> builder)
    {
        builder.ToTable("sidecar_instances");
        builder.HasKey(i => i.InstanceId);
        builder.Property(i => i.InstanceId).HasMaxLength(128);
        builder.Property(i => i.Service).HasMaxLength(63);
        builder.Property(i => i.Address).HasMaxLength(255);
        builder.Property(i => i.Build).HasMaxLength(100);
        builder.Property(i => i.RefusedError).HasMaxLength(2000);
        builder.HasIndex(i => i.Service);
    }
}
