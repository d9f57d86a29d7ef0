using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class ConfigObjectConfiguration : IEntityTypeConfiguration<ConfigObject>
{
    public void Configure(EntityTypeBuilder<ConfigObject> builder)
    {
        builder.ToTable("config_objects");
        builder.HasKey(o => new { o.Kind, o.Target });
        builder.Property(o => o.Kind).HasConversion(KindConverter.Instance).HasMaxLength(16);
        builder.Property(o => o.Target).HasMaxLength(63);
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.Property(o => o.UpdatedBy).HasMaxLength(200);
        builder.HasIndex(o => o.Target);
    }
}
