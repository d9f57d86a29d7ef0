using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Mesh.Store.Accounts;

/// <summary>
/// Console users, their roles and API tokens: ASP.NET Core Identity's tables plus <c>api_tokens</c>.
/// A context of its own beside <see cref="MeshDbContext"/>, on the same database, with its own
/// migrations (<c>migrations/*/Accounts</c>) and migration history table.
/// </summary>
public sealed class AccountsDbContext(DbContextOptions<AccountsDbContext> options) : IdentityDbContext<ConsoleUser>(options)
{
    /// <summary>Kept apart from the store's history, so each context's migrations are listed alone.</summary>
    public const string HistoryTable = "__accounts_migrations_history";

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Identity names its tables AspNet*; the store's tables are snake_case words.
        builder.Entity<ConsoleUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        // Configured here rather than by an IEntityTypeConfiguration: MeshDbContext applies every
        // configuration of this assembly and must not take the token table into its model.
        builder.Entity<ApiToken>(token =>
        {
            token.ToTable("api_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.Name).HasMaxLength(64).IsRequired();
            token.HasIndex(t => t.Name).IsUnique();
            token.Property(t => t.Role).HasMaxLength(16).IsRequired();
            token.Property(t => t.Hash).HasMaxLength(64).IsRequired();
            token.HasIndex(t => t.Hash).IsUnique();
            token.HasOne<ConsoleUser>().WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
