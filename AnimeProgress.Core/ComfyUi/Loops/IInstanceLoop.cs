namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>One long-running loop of a connection; it returns only when cancelled and the supervisor restarts it if it throws.</summary>
internal interface IInstanceLoop
{
    /// <summary>Names the loop in logs.</summary>
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
