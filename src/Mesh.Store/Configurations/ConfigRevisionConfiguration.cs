using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class ConfigRevisionConfiguration : IEntityTypeConfiguration<ConfigRevision>
{
    public void Configure(EntityTypeBuilder<ConfigRevision> builder)
    {
        builder.ToTable("config_revisions");
        builder.HasKey(r => r.Number);
        // Numbers come from mesh_state, never from a sequence: see MeshState.
        builder.Property(r => r.Number).ValueGeneratedNever();
        builder.Property(r => r.Kind).HasConversion(KindConverter.Instance).HasMaxLength(16);
        builder.Property(r => r.Target).HasMaxLength(63);
        builder.Property(r => r.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Actor).HasMaxLength(200);
        builder.Property(r => r.Reason).HasMaxLength(2000);
        builder.HasIndex(r => new { r.Kind, r.Target, r.Number });
        builder.HasIndex(r => new { r.Actor, r.Number });
    }
}
