using System.Diagnostics;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Telemetry;
using AnimeProgress.Core.Tracking;

namespace AnimeProgress.Core.Submission;

/// <summary>
/// Submits jobs to ComfyUI under AnimeProgress's own client id, so every event of the job
/// reaches the tracker. The job is registered (with a client-made prompt id) before the POST,
/// so no event can arrive for a job the tracker does not know yet.
/// </summary>
public sealed class JobSubmitter(ComfyUiFleet fleet, ProgressTracker tracker, ProgressHub hub)
{
    // Jobs chosen for an instance that the hub may not show yet (registration is asynchronous):
    // without them, a burst of submissions would all pick the same "empty" instance.
    private readonly Dictionary<long, string> _unseen = [];
    private readonly Lock _choosing = new();

    public async Task<long> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        // The root of the job's trace (under the HTTP request's span when it came through the API).
        using var submit = JobTracing.StartSubmit();
        var promptId = Guid.NewGuid().ToString("D");
        ComfyUiConnection connection;
        var jobId = await tracker.NextJobIdAsync(cancellationToken);
        submit?.SetTag(TelemetryNames.JobId, jobId);
        lock (_choosing)
        {
            connection = Choose(request.Instance);
            tracker.Register(jobId, new JobRegistration(
                request.Title, request.Kind, connection.Instance.Name, promptId, request.Workflow, request.FramesTotal)
            {
                SubmittedBy = request.SubmittedBy,
                Trace = submit?.Context ?? default,
            });
            _unseen[jobId] = connection.Instance.Name;
        }

        // The POST to ComfyUI (HttpClient's own span nests under it).
        using var dispatch = JobTracing.StartUnder(JobTracing.Dispatch, submit?.Context ?? default, jobId, ActivityKind.Client);
        dispatch?.SetTag(TelemetryNames.ComfyUiInstance, connection.Instance.Name);
        try
        {
            await connection.Http.SubmitAsync(request.Workflow, connection.ClientId, promptId, request.ExtraData, request.Front, cancellationToken);
            await tracker.PostAsync(new SubmissionAccepted(jobId), cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUiRejectedException or HttpRequestException or InvalidDataException or TaskCanceledException)
        {
            dispatch?.SetStatus(ActivityStatusCode.Error, ex.Message);
            submit?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await tracker.PostAsync(new SubmissionFailed(jobId, "Submission failed: " + ex.Message), CancellationToken.None);
            throw;
        }

        return jobId;
    }

    /// <summary>Called under <see cref="_choosing"/>.</summary>
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

        // Least loaded: fewest queued or running jobs on that instance, counting those just submitted
        // and, through ComfyUI's own queue length, jobs other programs put there.
        {
            foreach (var id in _unseen.Keys.Where(id => hub.Find(id) is not null).ToList())
            {
                _unseen.Remove(id);
            }

            var load = hub.Jobs.Where(j => j.Status.IsActive() && j.Instance is not null)
                .Select(j => j.Instance!)
                .Concat(_unseen.Values)
                .GroupBy(name => name)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var queues = hub.Instances.ToDictionary(i => i.Name, i => i.QueueRemaining, StringComparer.Ordinal);
            return online
                .OrderBy(c => Math.Max(load.GetValueOrDefault(c.Instance.Name), queues.GetValueOrDefault(c.Instance.Name)))
                .ThenBy(c => c.Instance.Name, StringComparer.Ordinal)
                .First();
        }
    }
}
