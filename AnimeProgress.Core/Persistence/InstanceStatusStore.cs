using System.Text.Json;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Shares what the ingesting node knows about each ComfyUI machine (reachability, queue, GPU memory) through
/// <c>comfyui_instances</c>, so every node's fleet strip shows the same. The leader writes the newest state
/// of each instance at most once a second; other nodes read it when its notification arrives.
/// </summary>
public sealed partial class InstanceStatusStore(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    IngestionGate ingestion,
    TimeProvider time,
    ILogger<InstanceStatusStore> logger) : IHostedService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private HubSubscription? _subscription;
    private bool _failing;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(OnBatch, TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public static InstanceStatus? Read(ComfyUiInstanceRow row)
    {
        try
        {
            return JsonSerializer.Deserialize<InstanceStatus>(row.Status, Json) is { Name.Length: > 0 } status ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async ValueTask OnBatch(HubBatch batch)
    {
        if (batch.Instances.Count == 0 || !ingestion.IsLeader)
        {
            return;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            var names = batch.Instances.Select(i => i.Name).ToList();
            var rows = await db.ComfyUiInstances.Where(r => names.Contains(r.Name)).ToDictionaryAsync(r => r.Name, StringComparer.Ordinal);
            foreach (var status in batch.Instances)
            {
                if (!rows.TryGetValue(status.Name, out var row))
                {
                    row = new ComfyUiInstanceRow { Name = status.Name };
                    db.ComfyUiInstances.Add(row);
                }

                row.Status = JsonSerializer.Serialize(status, Json);
                row.UpdatedAt = time.GetUtcNow();
            }

            await db.SaveChangesAsync();
            _failing = false;
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // The next change writes the newest state again; the live view on this node is unaffected.
            if (!_failing)
            {
                LogWriteFailed(ex);
            }

            _failing = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share ComfyUI instance states through the database; retrying with the next change")]
    private partial void LogWriteFailed(Exception ex);
}
