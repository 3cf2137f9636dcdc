using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Support;

/// <summary>A tracker driven synchronously with a fake clock, as the ComfyUI connection would drive it.</summary>
internal sealed class TrackerHarness
{
    private long _ids;

    public const string Instance = "gpu-1";

    public TrackerHarness()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        Hub = new ProgressHub(Time);
        Tracker = NewTracker(Hub, Time, previews: Previews);
    }

    /// <summary>A real tracker with the default stage map and ETA model, for tests that run its loop themselves.</summary>
    public static ProgressTracker NewTracker(
        ProgressHub hub, TimeProvider time, TrackerOptions? options = null, IJobIdSource? ids = null, AnimeProgress.Core.Previews.PreviewStore? previews = null) =>
        new(hub, new StageMap(), new AnimeProgress.Core.Estimation.StageAwareEtaModel(), previews ?? new(), time,
            Options.Create(options ?? new TrackerOptions()), NullLogger<ProgressTracker>.Instance, ids);

    public FakeTimeProvider Time { get; }

    public ProgressHub Hub { get; }

    public ProgressTracker Tracker { get; }

    public AnimeProgress.Core.Previews.PreviewStore Previews { get; } = new();

    public long Submit(string promptId = "p1", JobKind kind = JobKind.Image, int steps = 20, int? frames = null)
    {
        var graph = kind == JobKind.Video
            ? Graphs.Txt2Img(steps, "EmptyHunyuanLatentVideo", frames)
            : Graphs.Txt2Img(steps);
        var registration = new JobRegistration("Test job", kind, Instance, promptId, graph, frames);
        var jobId = ++_ids;
        Tracker.Apply(new RegisterJob(jobId, registration));
        Tracker.Apply(new SubmissionAccepted(jobId));
        return jobId;
    }

    public void Send(ComfyUiEvent e, TimeSpan? after = null)
    {
        if (after is { } delay)
        {
            Time.Advance(delay);
        }

        Tracker.Apply(new InstanceEvent(Instance, e));
    }

    public JobSnapshot Job(long id) => Hub.Find(id) ?? throw new InvalidOperationException($"job {id} not published");
}
