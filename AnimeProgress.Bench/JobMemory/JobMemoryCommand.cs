using System.Diagnostics;
using System.Globalization;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Tracking;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Bench.JobMemory;

/// <summary>
/// <c>job-memory</c>: another program queues N prompts on one instance; the real tracker discovers them through a
/// reconcile, as it does from <c>GET /queue</c>. Reports the managed heap the tracked jobs keep (after a full
/// collection, before and after, the queue itself released) per job, and how long the reconciles took.
/// </summary>
internal sealed class JobMemoryCommand : IBenchCommand
{
    private const string Instance = "gpu-1";

    public string Name => "job-memory";

    public string Usage => "[--jobs N (20000)] [--loras L (4)] [--runs R (3)]";

    public Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (Parse(args) is not { } options)
        {
            output.WriteLine($"usage: job-memory {Usage}");
            return Task.FromResult(2);
        }

        output.WriteLine($"job-memory: {options.Jobs} queued prompts of {StudioQueue.NodeCount(options.Loras)} nodes on one instance, {options.Runs} runs");
        output.WriteLine("| run | tracked | heap kept (MB) | bytes per tracked job | first reconcile (ms) | second reconcile (ms) |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var results = new List<JobMemoryResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = Measure(options.Jobs, options.Loras);
            results.Add(result);
            output.WriteLine(Row(run.ToString(CultureInfo.InvariantCulture), result));
        }

        output.WriteLine(Row("median", Median(results)));
        return Task.FromResult(0);
    }

    /// <summary>One run on a fresh hub and tracker.</summary>
    internal static JobMemoryResult Measure(int jobs, int loras)
    {
        var time = TimeProvider.System;
        var hub = new ProgressHub(time);
        var tracker = new ProgressTracker(
            hub, new StageMap(), new StageAwareEtaModel(), new PreviewStore(), time,
            Options.Create(new TrackerOptions()), NullLogger<ProgressTracker>.Instance);
        tracker.Apply(new InstanceConnected(Instance, new Uri("http://gpu-1:8188")));
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var (first, second) = Reconcile(tracker, jobs, loras, time);

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var tracked = hub.Jobs.Count;
        GC.KeepAlive(tracker);
        GC.KeepAlive(hub);
        return new JobMemoryResult(tracked, after - before, first, second);
    }

    // Its own method, so the queue (and every JSON node of it) is unreachable once it returns.
    private static (TimeSpan First, TimeSpan Second) Reconcile(ProgressTracker tracker, int jobs, int loras, TimeProvider time)
    {
        var queue = StudioQueue.Build(jobs, loras);
        var history = new Dictionary<string, HistoryEntry?>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        tracker.Apply(new InstanceReconciled(Instance, queue, history, time.GetUtcNow(), "animeprogress"));
        var first = watch.Elapsed;

        // The head of the queue ran: every prompt moves up one place, so every tracked job changes.
        var moved = new QueueState([queue.Pending[0]], [.. queue.Pending.Skip(1)]);
        watch.Restart();
        tracker.Apply(new InstanceReconciled(Instance, moved, history, time.GetUtcNow(), "animeprogress"));
        return (first, watch.Elapsed);
    }

    private static string Row(string label, JobMemoryResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {r.Tracked} | {r.HeapBytes / 1e6:F1} | {r.BytesPerJob:F0} | {r.FirstReconcile.TotalMilliseconds:F0} | {r.SecondReconcile.TotalMilliseconds:F0} |");

    private static JobMemoryResult Median(List<JobMemoryResult> results)
    {
        static T Mid<T>(IEnumerable<T> values) => values.Order().ElementAt((values.Count() - 1) / 2);
        return new JobMemoryResult(
            Mid(results.Select(r => r.Tracked)),
            Mid(results.Select(r => r.HeapBytes)),
            Mid(results.Select(r => r.FirstReconcile)),
            Mid(results.Select(r => r.SecondReconcile)));
    }

    private static (int Jobs, int Loras, int Runs)? Parse(string[] args)
    {
        var jobs = 20_000;
        var loras = 4;
        var runs = 3;
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                return null;
            }

            switch (args[i])
            {
                case "--jobs": jobs = value; break;
                case "--loras": loras = value; break;
                case "--runs": runs = value; break;
                default: return null;
            }

            i++;
        }

        return (jobs, loras, runs);
    }
}

/// <summary>One run: jobs the hub holds, heap they keep, and the two reconciles' durations.</summary>
internal sealed record JobMemoryResult(int Tracked, long HeapBytes, TimeSpan FirstReconcile, TimeSpan SecondReconcile)
{
    public double BytesPerJob => Tracked == 0 ? 0 : (double)HeapBytes / Tracked;
}
