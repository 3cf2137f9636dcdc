namespace AnimeProgress.Core.Jobs;

/// <summary>
/// What a job's ETA rests on, for the one line on its page that says so: how many earlier runs it was compared with,
/// how alike they are, and which way of estimating weighs most in the number shown. Part of what a job shows, so it
/// lives with the job; the ETA engine fills it in.
/// </summary>
/// <param name="Runs">Finished runs compared with this job; 0 without history.</param>
public sealed record EtaBasis(int Runs, EtaRunsAlike Alike, EtaMethod Method)
{
    /// <summary>No history and no estimate yet.</summary>
    public static EtaBasis Nothing { get; } = new(0, EtaRunsAlike.None, EtaMethod.None);
}
