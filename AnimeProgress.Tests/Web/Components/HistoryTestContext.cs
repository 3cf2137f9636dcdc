using System.Data.Common;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.History;
using AnimeProgress.Web.Hosting;
using AnimeProgress.Web.Hosting.Registration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Components;

/// <summary>
/// The component context plus a real SQLite database in a temporary file, created with the app's
/// model. <see cref="Gate"/> can hold every query back, to see a page in its loading state.
/// </summary>
public abstract class HistoryTestContext : ComponentTestContext
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-history-{Guid.NewGuid():N}.db");

    protected HistoryTestContext()
    {
        Gate = new QueryGate();
        Services.AddDbContextFactory<AnimeProgressDbContext>(o => o.UseSqlite("Data Source=" + _file).AddInterceptors(Gate));
        Services.AddJobReadModel();
        using var db = NewContext();
        db.Database.EnsureCreated();
    }

    internal QueryGate Gate { get; }

    /// <summary>The fake clock's start: 2026-11-29 10:00 UTC.</summary>
    internal static DateTimeOffset T0 { get; } = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    internal AnimeProgressDbContext NewContext() =>
        new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite("Data Source=" + _file).Options);

    internal void Store(params ProductionJobRow[] rows)
    {
        using var db = NewContext();
        db.ProductionJobs.AddRange(rows);
        db.SaveChanges();
    }

    /// <summary>Stage changes at the given seconds after <see cref="T0"/>, percent rising with time.</summary>
    internal void StoreSamples(long jobId, params (double Seconds, string Stage, double Percent, double? Rate)[] samples)
    {
        using var db = NewContext();
        db.ProgressHistory.AddRange(samples.Select(s => new ProgressHistoryRow
        {
            JobId = jobId,
            RecordedAt = T0.AddSeconds(s.Seconds),
            Stage = s.Stage,
            Progress = s.Percent,
            Rate = s.Rate,
        }));
        db.SaveChanges();
    }

    internal static ProductionJobRow Finished(long id, DateTimeOffset started, TimeSpan run, string status = "completed", string kind = "image", string instance = "gpu-1", string? title = null) => new()
    {
        Id = id,
        Title = title ?? $"Job {id}",
        Kind = kind,
        Status = status,
        CurrentStage = status switch { "completed" => "Completed", "failed" => "Failed", _ => "Cancelled" },
        Progress = status == "completed" ? 100 : 40,
        ComfyUiJobId = $"prompt-{id}",
        ComfyUiInstance = instance,
        Error = status == "failed" ? "CUDA out of memory" : null,
        CreatedAt = started.AddSeconds(-5),
        StartedAt = started,
        UpdatedAt = started + run,
        CompletedAt = started + run,
    };

    protected override async ValueTask DisposeAsyncCore()
    {
        Gate.Open();
        await base.DisposeAsyncCore();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    /// <summary>Holds async queries until opened; open by default.</summary>
    internal sealed class QueryGate : DbCommandInterceptor
    {
        private volatile TaskCompletionSource _open = Opened();

        public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return result;
        }

        public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return result;
        }

        private static TaskCompletionSource Opened()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
            return done;
        }
    }
}
