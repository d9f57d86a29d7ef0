using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class JoinTokenUseConfiguration : IEntityTypeConfiguration<JoinTokenUse>
{
    public void Configure(EntityTypeBuilder<JoinTokenUse> builder)
    {
        builder.ToTable("join_token_uses");
        builder.HasKey(u => new { u.JoinTokenId, u.InstanceId });
        builder.Property(u => u.InstanceId).HasMaxLength(128);
    }
}
