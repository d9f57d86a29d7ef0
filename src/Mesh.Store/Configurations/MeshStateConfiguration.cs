using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class MeshStateConfiguration : IEntityTypeConfiguration<MeshState>
{
    public void Configure(EntityTypeBuilder<MeshState> builder)
    {
        builder.ToTable("mesh_state");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasData(new MeshState { Id = MeshState.SingletonId, LatestRevision = 0 });
    }
}
