namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>Reads <c>/system_stats</c> (devices, VRAM, version) every interval while the instance is online.</summary>
internal sealed class VramSampler(ComfyUiConnection connection) : IInstanceLoop
{
    public string Name => "system_stats";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(connection.Options.SystemStatsInterval, connection.Time);
        try
        {
            do
            {
                if (!connection.IsOnline)
                {
                    continue;
                }

                SystemStats stats;
                try
                {
                    stats = await connection.Http.GetSystemStatsAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
                    or InvalidOperationException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // A bad answer from ComfyUI is its fault, counted and skipped; a failure past this point is ours
                    // and goes to the supervisor, which restarts the loop and reports the instance degraded.
                    connection.ReportMalformed("system_stats", ex.Message);
                    continue;
                }

                await connection.Observer.ObserveAsync(new InstanceStatsReceived(connection.Instance.Name, stats), cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
