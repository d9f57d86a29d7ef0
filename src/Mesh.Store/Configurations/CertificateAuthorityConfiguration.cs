using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class CertificateAuthorityConfiguration : IEntityTypeConfiguration<CertificateAuthority>
{
    public void Configure(EntityTypeBuilder<CertificateAuthority> builder)
    {
        builder.ToTable("certificate_authorities");
        // The generation is the key: two replicas creating the first CA, or rotating at once, collide
        // on it and exactly one wins.
        builder.HasKey(a => a.Generation);
        builder.Property(a => a.Generation).ValueGeneratedNever();
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.CreatedBy).HasMaxLength(256);
    }
}
