using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Submission;

/// <summary>
/// Submits jobs to ComfyUI under AnimeProgress's own client id, so every event of the job
/// reaches the tracker. The job is registered (with a client-made prompt id) before the POST,
/// so no event can arrive for a job the tracker does not know yet.
/// </summary>
public sealed class JobSubmitter(ComfyUiFleet fleet, ProgressTracker tracker, ProgressHub hub)
{
    public async Task<long> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var connection = Choose(request.Instance);
        var promptId = Guid.NewGuid().ToString("D");
        var jobId = tracker.Register(new JobRegistration(
            request.Title, request.Kind, connection.Instance.Name, promptId, request.Workflow, request.FramesTotal));
        try
        {
            await connection.Http.SubmitAsync(request.Workflow, connection.ClientId, promptId, request.ExtraData, request.Front, cancellationToken);
            await tracker.PostAsync(new SubmissionAccepted(jobId), cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUiRejectedException or HttpRequestException or InvalidDataException or TaskCanceledException)
        {
            await tracker.PostAsync(new SubmissionFailed(jobId, "Submission failed: " + ex.Message), CancellationToken.None);
            throw;
        }

        return jobId;
    }

    private ComfyUiConnection Choose(string? instance)
    {
        if (instance is not null)
        {
            return fleet.Find(instance) ?? throw new ArgumentException($"Unknown ComfyUI instance '{instance}'.", nameof(instance));
        }

        var online = fleet.Connections.Where(c => c.IsOnline).ToList();
        if (online.Count == 0)
        {
            online = [.. fleet.Connections];
        }

        if (online.Count == 0)
        {
            throw new InvalidOperationException("No ComfyUI instance is configured.");
        }

        // Least loaded: fewest queued or running jobs the hub knows of on that instance.
        var load = hub.Jobs.Where(j => j.Status.IsActive() && j.Instance is not null)
            .GroupBy(j => j.Instance!)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return online.OrderBy(c => load.GetValueOrDefault(c.Instance.Name)).First();
    }
}
