using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Bench.ListenLatency;

namespace AnimeProgress.Bench.FleetQueue;

/// <summary>
/// The app of the fleet-queue strategy, each node its own process: one node on SQLite (killed and restarted on the same
/// file), or two nodes on one PostgreSQL database that elect a leader (only the leader dispatches; either takes jobs).
/// </summary>
internal sealed class FleetAppNodes : IAsyncDisposable
{
    private readonly string _appDll;
    private readonly List<Node> _nodes;
    private readonly string? _sqliteData;
    private int _turn;

    private FleetAppNodes(string appDll, List<Node> nodes, string? sqliteData)
    {
        _appDll = appDll;
        _nodes = nodes;
        _sqliteData = sqliteData;
    }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>One node on a SQLite file of its own folder.</summary>
    public static async Task<FleetAppNodes> StartSqliteAsync(string appDll, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-fleet-bench-").FullName;
        var node = new Node("sqlite", new Dictionary<string, string>(settings), WebAppProcess.Start(appDll, settings, data));
        var nodes = new FleetAppNodes(appDll, [node], data);
        await node.Process.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken);
        return nodes;
    }

    /// <summary>Two nodes on one PostgreSQL database: node-a first (it creates the schema and leads), then node-b.</summary>
    public static async Task<FleetAppNodes> StartClusterAsync(string appDll, IReadOnlyDictionary<string, string> settings, string database, TimeSpan? leaseCheck, CancellationToken cancellationToken)
    {
        var nodes = new FleetAppNodes(appDll, [], null);
        foreach (var name in new[] { "node-a", "node-b" })
        {
            var own = new Dictionary<string, string>(settings)
            {
                ["AnimeProgress:Database:Provider"] = "Postgres",
                ["ConnectionStrings:AnimeProduction"] = database,
                ["AnimeProgress:Cluster:NodeName"] = name,
            };
            if (leaseCheck is { } interval)
            {
                own["AnimeProgress:Cluster:LeaseCheckInterval"] = interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }

            var node = new Node(name, own, WebAppProcess.Start(appDll, own));
            nodes._nodes.Add(node);
            await node.Process.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken);
        }

        return nodes;
    }

    /// <summary>The node that takes the next request: the nodes in turn.</summary>
    public Uri NextUrl() => _nodes[Interlocked.Increment(ref _turn) % _nodes.Count].Process.Url;

    /// <summary>The node whose <c>/readyz</c> says it leads (ingests and dispatches), or null.</summary>
    public async Task<string?> LeaderAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes)
        {
            if (await IsLeaderAsync(node, cancellationToken))
            {
                return node.Name;
            }
        }

        return null;
    }

    /// <summary>SIGKILL of the single node, restarted on the same SQLite file.</summary>
    public async Task KillAndRestartAsync(CancellationToken cancellationToken)
    {
        var node = _nodes.Single();
        await node.Process.KillAsync();
        await node.Process.DisposeAsync();
        node.Process = WebAppProcess.Start(_appDll, node.Settings, _sqliteData);
        await node.Process.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    /// <summary>SIGKILL of one node; it stays down until <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync(string name)
    {
        var node = _nodes.Single(n => n.Name == name);
        await node.Process.KillAsync();
        await node.Process.DisposeAsync();
        node.Down = true;
    }

    /// <summary>Starts a killed node again with its settings (it joins as a follower while the other leads).</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        var node = _nodes.Single(n => n.Name == name);
        node.Process = WebAppProcess.Start(_appDll, node.Settings);
        node.Down = false;
        await node.Process.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    /// <summary>Polls the live nodes until one of them other than <paramref name="not"/> leads; answers the time it took.</summary>
    public async Task<(string Leader, TimeSpan After)> NewLeaderAsync(string not, Stopwatch since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (since.Elapsed < timeout)
        {
            foreach (var node in _nodes.Where(n => !n.Down && n.Name != not))
            {
                if (await IsLeaderAsync(node, cancellationToken))
                {
                    return (node.Name, since.Elapsed);
                }
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"no node took over within {timeout.TotalSeconds:F0} s");
    }

    /// <summary>The jobs a live node lists as failed or cancelled: (id, title, error).</summary>
    public async Task<List<(long Id, string Title, string? Error)>> EndedBadlyAsync(CancellationToken cancellationToken)
    {
        var node = _nodes.First(n => !n.Down);
        var ended = new List<(long, string, string?)>();
        for (var offset = 0; ; offset += 500)
        {
            var page = await Http.GetFromJsonAsync<JsonObject>(new Uri(node.Process.Url, $"api/jobs?status=failed,cancelled&offset={offset}&limit=500"), cancellationToken);
            var jobs = page?["jobs"]?.AsArray() ?? [];
            ended.AddRange(jobs.Select(j => (j!["id"]!.GetValue<long>(), j["title"]?.GetValue<string>() ?? "", j["error"]?.GetValue<string>())));
            if (jobs.Count < 500)
            {
                return ended;
            }
        }
    }

    /// <summary>How many jobs wait in the fleet queue (<c>GET /api/queue</c>, state <c>waiting</c>), as a live node says.</summary>
    public async Task<int> WaitingAsync(CancellationToken cancellationToken)
    {
        var queue = await Http.GetFromJsonAsync<JsonObject>(new Uri(_nodes.First(n => !n.Down).Process.Url, "api/queue"), cancellationToken);
        return (queue?["jobs"]?.AsArray() ?? []).Count(j => j?["state"]?.GetValue<string>() == "waiting");
    }

    /// <summary>Queues a failed job again (<c>POST /api/jobs/{id}/retry</c>); answers the new job's id.</summary>
    public async Task<long> RetryAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsync(new Uri(NextUrl(), $"api/jobs/{id}/retry"), null, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode && JsonNode.Parse(body)?["id"]?.GetValue<long>() is { } retry
            ? retry
            : throw new InvalidOperationException($"POST /api/jobs/{id}/retry answered {(int)response.StatusCode}: {body}");
    }

    private async Task<bool> IsLeaderAsync(Node node, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(node.Process.Url, "readyz"), cancellationToken);
            return (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("\"role\": \"leader\"", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => !n.Down))
        {
            await node.Process.DisposeAsync();
        }

        Http.Dispose();
        if (_sqliteData is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_sqliteData, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Node(string name, Dictionary<string, string> settings, WebAppProcess process)
    {
        public string Name { get; } = name;

        public Dictionary<string, string> Settings { get; } = settings;

        public WebAppProcess Process { get; set; } = process;

        public bool Down { get; set; }
    }
}
