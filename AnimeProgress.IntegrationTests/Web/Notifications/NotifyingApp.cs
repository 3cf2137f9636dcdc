using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>The real app (SQLite, no ComfyUI, no demo) with notification settings, and the few things the notification tests do to it.</summary>
internal static class NotifyingApp
{
    /// <summary>A fixed test secret (32 bytes), as an operator would generate one.</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/NbnYy+0ZrY=";

    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            // The receivers are on loopback, which is refused unless allowed.
            ["AnimeProgress:Notifications:AllowedDestinations:0"] = "127.0.0.1",
            ["AnimeProgress:Notifications:RetryInitialDelay"] = "00:00:00.2",
            ["AnimeProgress:Notifications:RetryMaxDelay"] = "00:00:01",
            ["AnimeProgress:Notifications:AttemptTimeout"] = "00:00:02",
            ["AnimeProgress:Notifications:SendInterval"] = "00:00:00.2",
            ["AnimeProgress:Notifications:LinkBaseUrl"] = "https://progress.studio.example",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A webhook channel named "hook" and a rule sending it job outcomes.</summary>
    public static Dictionary<string, string?> Webhook(Uri url, string events = "job.completed,job.failed,job.cancelled,job.lost", IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AnimeProgress:Notifications:Channels:0:Name"] = "hook",
            ["AnimeProgress:Notifications:Channels:0:Type"] = "Webhook",
            ["AnimeProgress:Notifications:Channels:0:Url"] = url.ToString(),
            ["AnimeProgress:Notifications:Channels:0:Secret"] = Secret,
            ["AnimeProgress:Notifications:Rules:0:Name"] = "outcomes",
            ["AnimeProgress:Notifications:Rules:0:Channel"] = "hook",
            ["AnimeProgress:Notifications:Rules:0:Events:0"] = events,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Settings(settings);
    }

    /// <summary>A job finishes the way the tracker would publish it; the job store writes it and its notifications.</summary>
    public static JobSnapshot Finish(AppHost app, long id, JobStatus status = JobStatus.Completed, string? error = null, string? submittedBy = null)
    {
        var now = DateTimeOffset.UtcNow;
        var job = new JobSnapshot
        {
            Id = id,
            Title = $"Key art {id}",
            Kind = JobKind.Video,
            Status = status,
            Stage = status == JobStatus.Completed ? Stage.Completed : Stage.Failed,
            Percent = status == JobStatus.Completed ? 100 : 40,
            CreatedAt = now.AddMinutes(-3),
            StartedAt = now.AddMinutes(-2),
            UpdatedAt = now,
            FinishedAt = now,
            Instance = "gpu-1",
            WorkflowKey = "wf-anime-upscale",
            Error = error,
            SubmittedBy = submittedBy,
            Source = JobSource.AnimeProgress,
            Version = 1,
        };
        app.Services.GetRequiredService<ProgressHub>().Publish(job);
        return job;
    }

    public static async Task<List<NotificationDeliveryRow>> DeliveriesAsync(AppHost app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await db.NotificationDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<List<NotificationAttemptRow>> AttemptsAsync(AppHost app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await db.NotificationAttempts.AsNoTracking().OrderBy(d => d.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits (up to 30 s) until the probe holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
