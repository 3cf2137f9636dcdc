namespace AnimeProgress.Core.Queue;

/// <summary>The steps of one dispatch, in order; a crash between any two must neither lose the job nor run it twice.</summary>
public enum DispatchStep
{
    /// <summary>Instance and prompt id written to the job's row (state dispatching); nothing sent yet.</summary>
    Recorded,

    /// <summary>ComfyUI answered the POST: it holds the prompt; the row still says dispatching.</summary>
    Sent,

    /// <summary>The row says dispatched.</summary>
    Confirmed,
}

/// <summary>A seam between the steps of a dispatch, for tests that fail it there; does nothing in production.</summary>
public interface IDispatchFaults
{
    ValueTask AfterAsync(DispatchStep step, long jobId, CancellationToken cancellationToken);
}
