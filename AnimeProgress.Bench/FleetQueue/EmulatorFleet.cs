using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// The four emulated ComfyUI machines of one strategy's run, each with its GPU memory and its model list (only the
/// instance that has the upscale model lists it in <c>/object_info</c>), and what their <c>/history</c> says ran. A machine
/// can be killed (its queue and running prompt are lost, as when a ComfyUI process dies) and started again empty on the
/// same port; what it ran before it died stays counted.
/// </summary>
internal sealed class EmulatorFleet : IAsyncDisposable
{
    private readonly List<Member> _members;
    private readonly List<(string Instance, JsonObject History)> _retired = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private EmulatorFleet(List<Member> members) => _members = members;

    public static async Task<EmulatorFleet> StartAsync(IReadOnlyList<FleetInstance> fleet, double timeScale, CancellationToken cancellationToken)
    {
        var members = new List<Member>();
        foreach (var instance in fleet)
        {
            var options = new EmulatorOptions
            {
                Port = 0,
                TimeScale = timeScale,
                VramTotalBytes = (long)(instance.VramGb * (1L << 30)),
                AbsentModels = instance.Models.Contains(FleetJob.UpscaleModel, StringComparer.Ordinal) ? [] : [FleetJob.UpscaleModel],
            };
            members.Add(new Member(instance, options, await ComfyUiEmulatorServer.StartAsync(options, cancellationToken)));
        }

        return new EmulatorFleet(members);
    }

    public Uri Url(string instance) => Find(instance).Server.BaseUrl;

    /// <summary>ComfyUI's <c>exec_info.queue_remaining</c> (running + pending) of one instance.</summary>
    public async Task<int> QueueRemainingAsync(string instance, CancellationToken cancellationToken)
    {
        var info = await _http.GetFromJsonAsync<JsonObject>(new Uri(Url(instance), "prompt"), cancellationToken);
        return info?["exec_info"]?["queue_remaining"]?.GetValue<int>() ?? 0;
    }

    /// <summary>The prompts running and pending on one instance (its <c>/queue</c>), with the job each belongs to.</summary>
    public async Task<(List<QueuedPrompt> Running, List<QueuedPrompt> Pending)> QueueAsync(string instance, CancellationToken cancellationToken)
    {
        var queue = await _http.GetFromJsonAsync<JsonObject>(new Uri(Url(instance), "queue"), cancellationToken);
        static List<QueuedPrompt> Items(JsonNode? items) =>
            [.. (items?.AsArray() ?? []).Where(i => i?[1] is not null).Select(i => new QueuedPrompt(i![1]!.GetValue<string>(), FleetWorkflow.JobIndex(i[2])))];
        return (Items(queue?["queue_running"]), Items(queue?["queue_pending"]));
    }

    /// <summary>Every prompt id running or pending on any live instance.</summary>
    public async Task<HashSet<string>> QueuedPromptIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.Where(m => !m.Down))
        {
            var (running, pending) = await QueueAsync(member.Instance.Name, cancellationToken);
            ids.UnionWith(running.Concat(pending).Select(p => p.PromptId));
        }

        return ids;
    }

    /// <summary>
    /// Kills one machine as a ComfyUI process dies: the running prompt is dropped, the pending ones are gone, and nothing
    /// answers on its port until <see cref="RestartAsync"/>. Answers what it was running and had pending.
    /// </summary>
    public async Task<(List<QueuedPrompt> Running, List<QueuedPrompt> Pending)> KillAsync(string instance, CancellationToken cancellationToken)
    {
        var member = Find(instance);
        var queue = await QueueAsync(instance, cancellationToken);
        await member.Server.StopAsync(cancellationToken);
        // Read after the stop: its worker has ended, so nothing it ran can be missed.
        _retired.Add((instance, member.Server.History()));
        await member.Server.DisposeAsync();
        member.Down = true;
        return queue;
    }

    /// <summary>Starts a killed machine again on the same port, empty, as a restarted ComfyUI.</summary>
    public async Task RestartAsync(string instance, CancellationToken cancellationToken)
    {
        var member = Find(instance);
        member.Options.Port = member.Server.Port;
        member.Server = await ComfyUiEmulatorServer.StartAsync(member.Options, cancellationToken);
        member.Down = false;
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

    /// <summary>Every prompt of the bench's jobs that ended on any instance, with its start and end, killed machines' earlier lives included.</summary>
    public async Task<List<PromptRun>> RunsAsync(CancellationToken cancellationToken)
    {
        var runs = new List<PromptRun>();
        foreach (var (instance, history) in _retired)
        {
            runs.AddRange(Parse(instance, history));
        }

        foreach (var member in _members.Where(m => !m.Down))
        {
            var history = await _http.GetFromJsonAsync<JsonObject>(new Uri(member.Server.BaseUrl, "history"), cancellationToken) ?? [];
            runs.AddRange(Parse(member.Instance.Name, history));
        }

        return runs;
    }

    private static IEnumerable<PromptRun> Parse(string instance, JsonObject history)
    {
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
                yield return new PromptRun(instance, job, promptId, s, e, entry?["status"]?["status_str"]?.GetValue<string>() == "success");
            }
        }
    }

    private Member Find(string instance) => _members.Single(m => m.Instance.Name == instance);

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members.Where(m => !m.Down))
        {
            await member.Server.DisposeAsync();
        }

        _http.Dispose();
    }

    private sealed class Member(FleetInstance instance, EmulatorOptions options, ComfyUiEmulatorServer server)
    {
        public FleetInstance Instance { get; } = instance;

        public EmulatorOptions Options { get; } = options;

        public ComfyUiEmulatorServer Server { get; set; } = server;

        public bool Down { get; set; }
    }
}

/// <summary>A prompt in an emulator's queue, and the bench job it carries (null for one the bench did not send).</summary>
internal sealed record QueuedPrompt(string PromptId, int? Job);
