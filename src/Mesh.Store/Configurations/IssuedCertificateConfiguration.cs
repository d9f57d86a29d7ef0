using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Mesh.Store.Configurations;

internal sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificate>
{
    public void Configure(EntityTypeBuilder<IssuedCertificate> builder)
    {
        builder.ToTable("issued_certificates");
        builder.HasKey(c => c.Serial);
        builder.Property(c => c.Serial).HasMaxLength(64);
        builder.Property(c => c.InstanceId).HasMaxLength(128);
        builder.Property(c => c.Service).HasMaxLength(63);
        builder.HasIndex(c => c.InstanceId);
    }
}
