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

                try
                {
                    var stats = await connection.Http.GetSystemStatsAsync(cancellationToken);
                    await connection.Observer.ObserveAsync(new InstanceStatsReceived(connection.Instance.Name, stats), cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
                    or InvalidOperationException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    connection.ReportMalformed("system_stats", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
