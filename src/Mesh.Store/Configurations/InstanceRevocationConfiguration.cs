using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class InstanceRevocationConfiguration : IEntityTypeConfiguration<InstanceRevocation>
{
    public void Configure(EntityTypeBuilder<InstanceRevocation> builder)
    {
        builder.ToTable("instance_revocations");
        builder.HasKey(r => r.InstanceId);
        builder.Property(r => r.InstanceId).HasMaxLength(128);
        builder.Property(r => r.By).HasMaxLength(256);
        builder.Property(r => r.Reason).HasMaxLength(500);
    }
}
