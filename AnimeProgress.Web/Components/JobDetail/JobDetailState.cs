using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Components.History;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Components.JobDetail;

/// <summary>
/// What the job detail page shows for one job: the hub's live state as soon as it has one, else the stored row, and
/// the chart points and stage timeline (<see cref="Log"/>). The page renders it; this class decides it.
/// </summary>
public sealed class JobDetailState(JobQueries queries)
{
    /// <summary>The job opened last; -1 before the first.</summary>
    public long Id { get; private set; } = -1;

    public JobSnapshot? Job { get; private set; }

    /// <summary>True once the job came from the hub; a stored row is shown as "read from the database".</summary>
    public bool Live { get; private set; }

    /// <summary>True while the stored row and samples are being read.</summary>
    public bool Loading { get; private set; }

    public string? DatabaseError { get; private set; }

    public JobSampleLog Log { get; } = new();

    /// <summary>Shows <paramref name="id"/>: <paramref name="live"/> at once (when the hub has it), then what the database holds.</summary>
    public async Task OpenAsync(long id, JobSnapshot? live, CancellationToken cancellationToken)
    {
        Id = id;
        Job = live;
        Live = live is not null;
        Log.Clear();
        DatabaseError = null;
        Loading = true;
        if (live is not null)
        {
            Log.Observe(live);
        }

        StoredJobRecord? stored = null;
        try
        {
            stored = await queries.GetStoredAsync(id, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            DatabaseError = "The stored history could not be read: " + ex.Message;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // Another job was opened meanwhile: its own read decides.
        if (Id != id)
        {
            return;
        }

        Loading = false;
        if (stored is not null)
        {
            Log.AddStored(stored.Samples);
            Job ??= stored.Job;
        }

        Log.Rebuild(Job);
    }

    /// <summary>Takes this job's newer live state from a hub batch; true when the shown job changed.</summary>
    public bool Apply(HubBatch batch)
    {
        var changed = false;
        foreach (var job in batch.Jobs)
        {
            // Only this job; a copy older than the shown one is dropped. A stored row gives way to the live job.
            if (job.Id != Id || (Live && Job is not null && job.Version <= Job.Version))
            {
                continue;
            }

            Job = job;
            Live = true;
            Log.Observe(job);
            changed = true;
        }

        return changed;
    }
}
