using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.Web.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Audit;

/// <summary>
/// The audit log's retention on a real SQLite file: kept forever by default, a period an Admin sets deletes only
/// entries strictly older than it, and both the change and a sweep that deleted anything are recorded.
/// </summary>
public sealed class AuditRetentionTests : IAsyncDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-audit-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly Contexts _contexts;
    private readonly AuditLog _log;
    private readonly AuditRetention _retention;

    public AuditRetentionTests()
    {
        _contexts = new Contexts(_file);
        using (var db = _contexts.CreateDbContext())
        {
            db.Database.EnsureCreated();
        }

        _log = new AuditLog(Options.Create(new AuditOptions()), _time, NullLogger<AuditLog>.Instance);
        _retention = new AuditRetention(_contexts, _log, _time, NullLogger<AuditRetention>.Instance);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Contexts(string file) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite("Data Source=" + file).Options);
    }

    private void Store(params (string Target, TimeSpan Age)[] entries)
    {
        using var db = _contexts.CreateDbContext();
        db.AuditLog.AddRange(entries.Select(e => new AuditEntry(AuditActor.System, AuditActions.JobSubmit, AuditOutcomes.Ok, e.Target).ToRow(_time.GetUtcNow() - e.Age)));
        db.SaveChanges();
    }

    private async Task<List<string?>> TargetsAsync(string action)
    {
        await using var db = _contexts.CreateDbContext();
        return await db.AuditLog.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Id).Select(e => e.Target).ToListAsync(Ct);
    }

    [Fact]
    public async Task By_default_entries_are_kept_forever()
    {
        Store(("ancient", TimeSpan.FromDays(3650)));

        Assert.Null(await _retention.GetDaysAsync(Ct));
        Assert.Equal(0, await _retention.SweepAsync(Ct));
        Assert.Equal(["ancient"], await TargetsAsync(AuditActions.JobSubmit));
    }

    [Fact]
    public async Task A_period_deletes_only_entries_strictly_older_than_it_and_the_change_and_the_sweep_are_recorded()
    {
        var day = TimeSpan.FromDays(1);
        Store(("older", (30 * day) + TimeSpan.FromSeconds(1)), ("at the boundary", 30 * day), ("younger", (30 * day) - TimeSpan.FromSeconds(1)), ("today", TimeSpan.Zero));
        var admin = new AuditActor(AuditActor.UserKind, "id-ada", "ada");

        await _retention.SetDaysAsync(30, admin, "10.0.0.5", Ct);
        var deleted = await _retention.SweepAsync(Ct);

        Assert.Equal(1, deleted);
        Assert.Equal(["at the boundary", "younger", "today"], await TargetsAsync(AuditActions.JobSubmit));
        Assert.Equal(30, await _retention.GetDaysAsync(Ct));
        await using (var db = _contexts.CreateDbContext())
        {
            var change = await db.AuditLog.AsNoTracking().SingleAsync(e => e.Action == AuditActions.AuditRetention, Ct);
            Assert.Equal(("ada", "10.0.0.5", "keep forever -> 30 days", AuditOutcomes.Ok), (change.ActorName, change.ClientAddress, change.Detail, change.Outcome));
        }

        // The sweep's own entry goes through the buffer, by the app.
        Assert.True(_log.Reader.TryRead(out var swept));
        Assert.Equal((AuditActions.AuditRetention, AuditActor.SystemKind), (swept.Action, swept.ActorKind));
        Assert.Contains("deleted 1 entries", swept.Detail, StringComparison.Ordinal);

        // A day later the boundary entry is past the period too.
        _time.Advance(day);
        Assert.Equal(2, await _retention.SweepAsync(Ct));
        Assert.Equal(["today"], await TargetsAsync(AuditActions.JobSubmit));
    }

    [Fact]
    public async Task Keeping_forever_again_stops_deletions_and_a_period_out_of_range_is_refused()
    {
        var admin = new AuditActor(AuditActor.UserKind, "id-ada", "ada");
        await _retention.SetDaysAsync(7, admin, null, Ct);
        await _retention.SetDaysAsync(null, admin, null, Ct);
        Store(("old", TimeSpan.FromDays(100)));

        Assert.Equal(0, await _retention.SweepAsync(Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _retention.SetDaysAsync(0, admin, null, Ct));
        Assert.Equal(["audit_log", "audit_log"], await TargetsAsync(AuditActions.AuditRetention));
    }

    [Fact]
    public void Nothing_in_the_audit_feature_can_change_an_entry()
    {
        // Entries leave only through the retention sweep; no type offers to update or edit one.
        var types = typeof(AuditLog).Assembly.GetTypes().Where(t => t.Namespace == typeof(AuditLog).Namespace);
        var methods = types.SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();
        Assert.NotEmpty(methods);
        Assert.DoesNotContain(methods, m => m.Contains("Update", StringComparison.OrdinalIgnoreCase) || m.Contains("Edit", StringComparison.OrdinalIgnoreCase));
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        File.Delete(_file);
    }
}
