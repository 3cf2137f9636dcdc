using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.Keys;

/// <summary>The <c>api_keys</c> table: its columns, the unique prefix and hash, and the owner (deleted with its account).</summary>
public static class ApiKeyMapping
{
    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var key = modelBuilder.Entity<ApiKeyRow>();
        key.ToTable(ApiKeyRow.Table);
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).HasColumnName("id").ValueGeneratedOnAdd();
        key.Property(k => k.OwnerId).HasColumnName("owner_id");
        key.Property(k => k.Name).HasColumnName("name").HasMaxLength(ApiKeyRow.NameMaxLength);
        key.Property(k => k.Scopes).HasColumnName("scopes").HasMaxLength(64);
        key.Property(k => k.Prefix).HasColumnName("prefix").HasMaxLength(ApiKeyRow.PrefixMaxLength);
        key.Property(k => k.SecretHash).HasColumnName("secret_hash");
        key.Property(k => k.CreatedAt).HasColumnName("created_at");
        key.Property(k => k.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
        key.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        key.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        key.Property(k => k.LastUsedAt).HasColumnName("last_used_at");
        key.HasIndex(k => k.Prefix).IsUnique().HasDatabaseName("ix_api_keys_prefix");
        // Keys imported from configured tokens have no prefix in their text: they are found by their hash.
        key.HasIndex(k => k.SecretHash).IsUnique().HasDatabaseName("ix_api_keys_secret_hash");
        key.HasIndex(k => k.OwnerId).HasDatabaseName("ix_api_keys_owner_id");
        key.HasOne<IdentityUser>().WithMany().HasForeignKey(k => k.OwnerId).OnDelete(DeleteBehavior.Cascade);
        if (sqlite)
        {
            // Same encoding as production_jobs: SQLite has no timestamp type; integers sort and compare correctly.
            foreach (var property in key.Metadata.GetProperties().Where(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)))
            {
                property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
            }
        }
    }
}
