using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Columns;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Tests.Core.Persistence.Columns;

/// <summary>Every save fits its texts to the model's column lengths (here on an in-memory SQLite database, which enforces none itself).</summary>
public sealed class ColumnFittingTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public ColumnFittingTests() => _connection.Open();

    private AnimeProgressDbContext Context() => new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite(_connection).Options);

    [Fact]
    public async Task Added_and_changed_rows_are_saved_with_every_text_within_its_column()
    {
        var ct = TestContext.Current.CancellationToken;
        var promptId = new string('p', 100);
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(ct);
            db.ProductionJobs.Add(new ProductionJobRow
            {
                Id = 1,
                Title = new string('t', 600),
                ComfyUiJobId = promptId,
                Error = new string('e', 1_000_000),
                CurrentNode = "Node\0" + new string('n', 300),
                ComfyUiInstance = "gpu\0-1",
            });
            await db.SaveChangesAsync(ct);
        }

        await using (var db = Context())
        {
            var row = await db.ProductionJobs.AsNoTracking().SingleAsync(ct);
            Assert.Equal(500, row.Title.Length);
            Assert.Equal(ColumnText.FitIdentifier(promptId, 64), row.ComfyUiJobId);
            Assert.Equal(ProductionJobRow.ErrorMaxLength, row.Error!.Length);
            Assert.Equal(ProductionJobRow.CurrentNodeMaxLength, row.CurrentNode!.Length);
            Assert.DoesNotContain("\0", row.CurrentNode, StringComparison.Ordinal);
            Assert.Equal("gpu-1", row.ComfyUiInstance);

            // A changed property is fitted too; the same prompt id always maps to the same stored form.
            var tracked = await db.ProductionJobs.SingleAsync(ct);
            tracked.Title = "New\0 title";
            tracked.ComfyUiJobId = promptId;
            await db.SaveChangesAsync(ct);
        }

        await using (var db = Context())
        {
            var row = await db.ProductionJobs.AsNoTracking().SingleAsync(ct);
            Assert.Equal(("New title", ColumnText.FitIdentifier(promptId, 64)), (row.Title, row.ComfyUiJobId));
        }
    }

    [Fact]
    public async Task Timestamps_are_saved_in_utc_as_the_same_instant()
    {
        // PostgreSQL's driver refuses any other offset for timestamp with time zone; on SQLite mixed offsets would sort wrongly.
        var ct = TestContext.Current.CancellationToken;
        var tokyo = new DateTimeOffset(2026, 12, 6, 18, 30, 0, TimeSpan.FromHours(9));
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(ct);
            db.ProductionJobs.Add(new ProductionJobRow { Id = 1, Title = "Cut 1", CreatedAt = tokyo, UpdatedAt = tokyo, StartedAt = tokyo.AddMinutes(1) });
            await db.SaveChangesAsync(ct);
        }

        await using (var db = Context())
        {
            var row = await db.ProductionJobs.AsNoTracking().SingleAsync(ct);
            Assert.Equal((tokyo.UtcDateTime, TimeSpan.Zero), (row.CreatedAt.UtcDateTime, row.CreatedAt.Offset));
            Assert.Equal((tokyo.AddMinutes(1).UtcDateTime, TimeSpan.Zero), (row.StartedAt!.Value.UtcDateTime, row.StartedAt.Value.Offset));
            Assert.Equal(TimeSpan.Zero, row.UpdatedAt.Offset);
        }
    }

    public void Dispose() => _connection.Dispose();
}
