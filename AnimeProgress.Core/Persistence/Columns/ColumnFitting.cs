using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AnimeProgress.Core.Persistence.Columns;

/// <summary>
/// The one place where values meet their column: before every save, each text value about to be written (added rows,
/// changed properties) is fitted with <see cref="ColumnText"/> to the maximum length the model gives its column, and
/// each timestamp is put in UTC (Npgsql refuses to write a <see cref="DateTimeOffset"/> with any other offset to
/// <c>timestamp with time zone</c>, which used to hold up the whole batch; the instant is the same).
/// Key values are left alone (changing a key is not allowed; they come from configuration or the app itself).
/// </summary>
internal static class ColumnFitting
{
    public static void Apply(ChangeTracker changes)
    {
        foreach (var entry in changes.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            foreach (var property in entry.Properties)
            {
                if (property.Metadata.IsKey() || (entry.State == EntityState.Modified && !property.IsModified))
                {
                    continue;
                }

                if (property.CurrentValue is DateTimeOffset { Offset.Ticks: not 0 } local)
                {
                    property.CurrentValue = local.ToUniversalTime();
                    continue;
                }

                if (property.CurrentValue is not string text)
                {
                    continue;
                }

                var maxLength = property.Metadata.GetMaxLength();
                var fitted = IsIdentifier(property) && maxLength is { } max
                    ? ColumnText.FitIdentifier(text, max)
                    : ColumnText.Fit(text, maxLength);
                if (!string.Equals(fitted, text, StringComparison.Ordinal))
                {
                    property.CurrentValue = fitted;
                }
            }
        }
    }

    /// <summary>Values matched exactly (a prompt id is looked up by it), so they are shortened to a digest form, never cut with a marker.</summary>
    private static bool IsIdentifier(PropertyEntry property) =>
        property.Metadata.DeclaringType.ClrType == typeof(ProductionJobRow) && property.Metadata.Name == nameof(ProductionJobRow.ComfyUiJobId);
}
