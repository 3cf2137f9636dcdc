using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Jobs.ReadModel;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>Answers one client's messages (ping, subscribe_job, unsubscribe_job) by queueing replies.</summary>
internal sealed class ClientRequestHandler(
    ProgressHub hub,
    JobQueries catalog,
    SnapshotFrameCache frames,
    JobSubscriptions subscriptions,
    SessionOutbox outbox,
    TimeProvider time,
    int maxSubscriptions)
{
    public async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var (request, error) = ClientMessageReader.Read(message);
        if (error is not null || request is not { } r)
        {
            await ReplyErrorAsync(error ?? ClientError.InvalidJson, cancellationToken);
            return;
        }

        switch (r.Kind)
        {
            case ClientRequestKind.Ping:
                await outbox.QueueAsync(ServerFrames.Pong(time.GetUtcNow()), cancellationToken);
                break;
            case ClientRequestKind.Subscribe:
                await SubscribeAsync(r.JobId, cancellationToken);
                break;
            case ClientRequestKind.Unsubscribe:
                subscriptions.Remove(r.JobId);
                break;
        }
    }

    public ValueTask ReplyErrorAsync(ClientError error, CancellationToken cancellationToken) =>
        outbox.QueueAsync(ServerFrames.Error(error, time.GetUtcNow()), cancellationToken);

    private async Task SubscribeAsync(long jobId, CancellationToken cancellationToken)
    {
        JobSnapshot? job;
        try
        {
            job = await catalog.FindAsync(jobId, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // Only jobs older than the live state need the database; say so rather than call the job unknown.
            await ReplyErrorAsync(ClientError.LookupFailed(jobId), cancellationToken);
            return;
        }

        if (job is null)
        {
            await ReplyErrorAsync(ClientError.UnknownJob(jobId), cancellationToken);
            return;
        }

        if (!subscriptions.TryAdd(jobId))
        {
            await ReplyErrorAsync(ClientError.TooManySubscriptions(maxSubscriptions), cancellationToken);
            return;
        }

        // The job's state now, so the subscriber need not wait for its next change (a finished job has none).
        var frame = ReferenceEquals(hub.Find(jobId), job) ? frames.ProgressUpdate(job) : ServerFrames.ProgressUpdate(job, time.GetUtcNow());
        await outbox.QueueAsync(frame, cancellationToken);
    }
}
