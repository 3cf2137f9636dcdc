using System.Text.Json;
using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Persistence.WriteBehind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// Shares what the ingesting node knows about each ComfyUI machine (reachability, queue, GPU memory) through
/// <c>comfyui_instances</c>, so every node's fleet strip shows the same. The leader writes the newest state
/// of each instance at most once a second; other nodes read it when its notification arrives.
/// </summary>
public sealed class InstanceStatusStore(
    IDbContextFactory<AnimeProgressDbContext> contexts,
    ProgressHub hub,
    IngestionGate ingestion,
    TimeProvider time,
    ILogger<InstanceStatusStore> logger,
    WriteBehindMetrics? writeBehindMetrics = null) : IHostedService
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WriteBehindBuffer<string, InstanceStatus> _states = new(new InstanceStatusSink(contexts, time, logger), time, writeBehindMetrics);
    private HubSubscription? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = hub.Subscribe(OnBatchAsync, TimeSpan.FromSeconds(1), subscriber: "instance-status");
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

    private async ValueTask OnBatchAsync(HubBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Instances.Count == 0 || !ingestion.IsLeader)
        {
            return;
        }

        _states.Offer(batch.Instances.Select(i => KeyValuePair.Create(i.Name, i)));
        await _states.FlushAsync(dueOnly: false, cancellationToken);
    }
}
