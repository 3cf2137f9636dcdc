using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Hosting;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Demo;

/// <summary>
/// Keeps the demo busy with a steady mix of image and video jobs, a few told to fail, some
/// queued behind others. It submits through the fleet queue (<see cref="FleetQueue"/>), the production path.
/// </summary>
public sealed partial class DemoJobGenerator(
    FleetQueue queue,
    ProgressHub hub,
    AnimeProgress.Core.Cluster.IngestionGate ingestion,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoJobGenerator> logger) : BackgroundService
{
    private static readonly string[] Failures =
    [
        "CUDA out of memory. Tried to allocate 2.25 GiB",
        "Expected all tensors to be on the same device",
        "VAE decode produced NaN values",
    ];

    /// <summary>
    /// <c>AnimeProgress:Demo:GenerateJobs</c> (default true): false keeps the demo's emulators but submits
    /// nothing, for <c>jobs simulate</c>, which submits its own test jobs.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        Hosting.SwitchSetting.Read(configuration, $"{DemoOptions.Section}:{nameof(DemoOptions.GenerateJobs)}") ?? true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random(20261129);
        long sequence = 0;
        using var timer = new PeriodicTimer(options.Value.SubmitInterval, time);
        try
        {
            do
            {
                // In a cluster only the leader follows jobs in ComfyUI; a follower's submission would be seen twice.
                if (!ingestion.IsLeader || hub.Jobs.Count(j => j.Status.IsActive()) >= options.Value.MaxActiveJobs)
                {
                    continue;
                }

                var request = DemoWorkflows.Next(random, ++sequence);
                if (random.NextDouble() < options.Value.FailureRate)
                {
                    request = request with { ExtraData = DemoWorkflows.FailNode("8", Failures[random.Next(Failures.Length)]) };
                }

                try
                {
                    await queue.EnqueueAsync(request, stoppingToken);
                }
                catch (Exception ex) when (ex is JobRefusedException or ComfyUiRejectedException or HttpRequestException or InvalidOperationException or InvalidDataException)
                {
                    LogSubmitFailed(request.Title, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo job {Title} was not submitted: {Error}")]
    private partial void LogSubmitFailed(string title, string error);
}
