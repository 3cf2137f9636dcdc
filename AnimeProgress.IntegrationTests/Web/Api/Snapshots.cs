using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.IntegrationTests.Web.Api;

/// <summary>Helpers for tests that publish snapshots straight into the hub (no ComfyUI involved).</summary>
internal static class Snapshots
{
    public static JobSnapshot Running(long id, long version, double percent = 10, string? title = null, Stage stage = Stage.Rendering) => new()
    {
        Id = id,
        Title = title ?? $"Test job {id}",
        Kind = JobKind.Image,
        Status = JobStatus.Running,
        Stage = stage,
        Percent = percent,
        CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        UpdatedAt = DateTimeOffset.UtcNow,
        Instance = "test-gpu",
        Version = version,
    };

    public static void PublishVersions(ProgressHub hub, long id, int versions, string? title = null)
    {
        for (var v = 1; v <= versions; v++)
        {
            hub.Publish(Running(id, v, percent: Math.Min(99, v / 10.0), title: title));
        }
    }
}
