using AnimeProgress.Core.Hub;

namespace AnimeProgress.Web.Diagnostics;

/// <summary>What a viewer costs, as the circuit-load tool reads it (docs/benchmarks.md).</summary>
public static class LoadStatsEndpoint
{
    public static void MapLoadStats(this WebApplication app) =>
        app.MapGet("/diagnostics/loadstats", (string? gc, CircuitCounter circuits, ProgressHub hub) =>
        {
            // "?gc=1" (what circuit-load sends) or "?gc=true": measure the live heap after a full collection.
            var forced = gc is "1" or "true";
            if (forced)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            return Results.Json(new
            {
                openCircuits = circuits.Open,
                connectedCircuits = circuits.Connected,
                gcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                forcedGc = forced,
                threads = ThreadPool.ThreadCount,
                hubSubscribers = hub.SubscriberCount,
                published = hub.PublishedCount,
            });
        });
}
