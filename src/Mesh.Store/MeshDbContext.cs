using Mesh.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store;

/// <summary>The console's store. One model, two providers: Postgres (specs as jsonb) and SQLite.</summary>
public sealed class MeshDbContext(DbContextOptions<MeshDbContext> options) : DbContext(options)
{
    public DbSet<ConfigObject> ConfigObjects => Set<ConfigObject>();

    public DbSet<ConfigRevision> ConfigRevisions => Set<ConfigRevision>();

    public DbSet<MeshState> MeshState => Set<MeshState>();

    public DbSet<SidecarInstance> SidecarInstances => Set<SidecarInstance>();

    public DbSet<TopologyRollup> TopologyRollups => Set<TopologyRollup>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MeshDbContext).Assembly);
        if (Database.IsNpgsql())
        {
            modelBuilder.Entity<ConfigObject>().Property(o => o.Spec).HasColumnType("jsonb");
            modelBuilder.Entity<ConfigRevision>().Property(r => r.Before).HasColumnType("jsonb");
            modelBuilder.Entity<ConfigRevision>().Property(r => r.After).HasColumnType("jsonb");
        }
    }
}
