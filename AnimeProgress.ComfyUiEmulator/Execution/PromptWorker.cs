using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.WebSockets;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>ComfyUI's single worker: takes prompts in ascending number order and runs them one at a time.</summary>
internal sealed class PromptWorker(PromptQueue queue, PromptRun run, JobMessenger messenger, OutputCache cache)
{
    private volatile bool _freeMemoryRequested;

    /// <summary>POST /free {"free_memory": true}: the worker drops its caches before the next prompt.</summary>
    public void RequestFreeMemory() => _freeMemoryRequested = true;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var item = await queue.DequeueAsync(cancellationToken);
                if (_freeMemoryRequested)
                {
                    _freeMemoryRequested = false;
                    cache.Clear();
                }
                RunResult result;
                try
                {
                    result = await run.ExecuteAsync(item, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Last line of defence: one broken prompt must not stop the queue.
                    result = new RunResult(false, [], [], []);
                }
                queue.Complete(item, HistoryEntry(item, result));
                // The job's very last message, after the status broadcast.
                messenger.ToSubmitter("executing", new JsonObject { ["node"] = null, ["prompt_id"] = item.PromptId });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping mid-job drops it, like killing the real process.
        }
    }

    private static JsonObject HistoryEntry(QueueItem item, RunResult result) => new()
    {
        ["prompt"] = item.ToJson(),
        ["outputs"] = result.Outputs,
        ["status"] = new JsonObject
        {
            // An interrupted job is an "error" too; the last message tells them apart.
            ["status_str"] = result.Success ? "success" : "error",
            ["completed"] = result.Success,
            ["messages"] = result.Messages,
        },
        ["meta"] = result.Meta,
    };
}
