using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// The four emulated ComfyUI machines of one strategy's run, each with its GPU memory and its model list (only the
/// instance that has the upscale model lists it in <c>/object_info</c>), and what their <c>/history</c> says ran.
/// </summary>
internal sealed class EmulatorFleet : IAsyncDisposable
{
    private readonly List<(FleetInstance Instance, ComfyUiEmulatorServer Server)> _members;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private EmulatorFleet(List<(FleetInstance, ComfyUiEmulatorServer)> members) => _members = members;

    public IReadOnlyList<(FleetInstance Instance, ComfyUiEmulatorServer Server)> Members => _members;

    public static async Task<EmulatorFleet> StartAsync(IReadOnlyList<FleetInstance> fleet, double timeScale, CancellationToken cancellationToken)
    {
        var members = new List<(FleetInstance, ComfyUiEmulatorServer)>();
        foreach (var instance in fleet)
        {
            var server = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions
            {
                Port = 0,
                TimeScale = timeScale,
                VramTotalBytes = (long)(instance.VramGb * (1L << 30)),
                AbsentModels = instance.Models.Contains(FleetJob.UpscaleModel, StringComparer.Ordinal) ? [] : [FleetJob.UpscaleModel],
            }, cancellationToken);
            members.Add((instance, server));
        }

        return new EmulatorFleet(members);
    }

    public Uri Url(string instance) => _members.Single(m => m.Instance.Name == instance).Server.BaseUrl;

    /// <summary>ComfyUI's <c>exec_info.queue_remaining</c> (running + pending) of one instance.</summary>
    public async Task<int> QueueRemainingAsync(string instance, CancellationToken cancellationToken)
    {
        var info = await _http.GetFromJsonAsync<JsonObject>(new Uri(Url(instance), "prompt"), cancellationToken);
        return info?["exec_info"]?["queue_remaining"]?.GetValue<int>() ?? 0;
    }

    /// <summary>Queues a job's graph straight on an instance, as a client that picks the machine itself does.</summary>
    public async Task SendAsync(string instance, FleetJob job, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = FleetWorkflow.Graph(job),
            ["client_id"] = "fleet-bench",
            ["prompt_id"] = Guid.NewGuid().ToString("D"),
        };
        using var response = await _http.PostAsJsonAsync(new Uri(Url(instance), "prompt"), body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every prompt of the bench's jobs that ended on any instance, with its start and end.</summary>
    public async Task<List<PromptRun>> RunsAsync(CancellationToken cancellationToken)
    {
        var runs = new List<PromptRun>();
        foreach (var (instance, server) in _members)
        {
            var history = await _http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseUrl, "history"), cancellationToken) ?? [];
            foreach (var (promptId, entry) in history)
            {
                if (FleetWorkflow.JobIndex(entry?["prompt"]?[2]) is not { } job)
                {
                    continue;
                }

                long? start = null, end = null;
                foreach (var message in entry?["status"]?["messages"]?.AsArray() ?? [])
                {
                    var type = message?[0]?.GetValue<string>();
                    var at = message?[1]?["timestamp"]?.GetValue<long>();
                    if (type == "execution_start")
                    {
                        start = at;
                    }
                    else if (type is "execution_success" or "execution_error" or "execution_interrupted")
                    {
                        end = at;
                    }
                }

                if (start is { } s && end is { } e)
                {
                    runs.Add(new PromptRun(instance.Name, job, promptId, s, e, entry?["status"]?["status_str"]?.GetValue<string>() == "success"));
                }
            }
        }

        return runs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in _members)
        {
            await server.DisposeAsync();
        }

        _http.Dispose();
    }
}
