using Mesh.Store.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mesh.Store;

/// <summary>The console's store. One model, two providers: Postgres (specs as jsonb) and SQLite.</summary>
public sealed class MeshDbContext(DbContextOptions<MeshDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<ConfigObject> ConfigObjects => Set<ConfigObject>();

    public DbSet<ConfigRevision> ConfigRevisions => Set<ConfigRevision>();

    public DbSet<MeshState> MeshState => Set<MeshState>();

    public DbSet<SidecarInstance> SidecarInstances => Set<SidecarInstance>();

    public DbSet<TopologyRollup> TopologyRollups => Set<TopologyRollup>();

    public DbSet<TelemetryShare> TelemetryShares => Set<TelemetryShare>();

    public DbSet<Rollout> Rollouts => Set<Rollout>();

    public DbSet<JoinToken> JoinTokens => Set<JoinToken>();

    public DbSet<JoinTokenUse> JoinTokenUses => Set<JoinTokenUse>();

    public DbSet<CertificateAuthority> CertificateAuthorities => Set<CertificateAuthority>();

    public DbSet<IssuedCertificate> IssuedCertificates => Set<IssuedCertificate>();

    public DbSet<InstanceRevocation> InstanceRevocations => Set<InstanceRevocation>();

    public DbSet<Experiment> Experiments => Set<Experiment>();

    /// <summary>The Data Protection key ring, shared by every replica (login cookies, the CA's private keys).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MeshDbContext).Assembly);
        if (Database.IsNpgsql())
        {
            modelBuilder.Entity<ConfigObject>().Property(o => o.Spec).HasColumnType("jsonb");
            modelBuilder.Entity<ConfigRevision>().Property(r => r.Before).HasColumnType("jsonb");
            modelBuilder.Entity<ConfigRevision>().Property(r => r.After).HasColumnType("jsonb");
        }
        else
        {
            // SQLite keeps DateTimeOffset as text it cannot compare or sort; identity and experiment
            // queries filter and sort by time, so its times are stored as sortable integers there.
            foreach (var type in new[] { typeof(JoinToken), typeof(JoinTokenUse), typeof(CertificateAuthority), typeof(IssuedCertificate), typeof(InstanceRevocation), typeof(Experiment) })
            {
                foreach (var property in modelBuilder.Entity(type).Metadata.GetProperties()
                             .Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
                    property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}
