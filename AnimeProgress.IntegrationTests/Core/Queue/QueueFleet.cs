using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// The app with its fleet queue in front of emulated ComfyUI instances (gpu-a 24 GB, optionally gpu-b 12 GB), and an
/// Operator's key for the API: what every fleet-queue test starts from.
/// </summary>
internal sealed class QueueFleet : IAsyncDisposable
{
    private readonly List<ComfyUiEmulatorServer> _gpus;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private QueueFleet(List<ComfyUiEmulatorServer> gpus, AppHost app, string operatorKey, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        _gpus = gpus;
        App = app;
        OperatorKey = operatorKey;
        _settings = settings;
        _services = services;
    }

    public AppHost App { get; private set; }

    public string OperatorKey { get; }

    public ComfyUiEmulatorServer GpuA => _gpus[0];

    public ComfyUiEmulatorServer GpuB => _gpus[1];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<QueueFleet> StartAsync(
        int instances = 1, Action<IServiceCollection>? services = null, IDictionary<string, string?>? extra = null, ComfyUiServerVersion gpuAVersion = ComfyUiServerVersion.Release0364)
    {
        var gpus = new List<ComfyUiEmulatorServer>
        {
            await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1, ServerVersion = gpuAVersion }, Ct),
        };
        if (instances > 1)
        {
            gpus.Add(await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1, VramTotalBytes = 12L << 30, DeviceName = "cuda:0 NVIDIA GeForce RTX 4070 Ti : cudaMallocAsync" }, Ct));
        }

        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < gpus.Count; i++)
        {
            settings[$"AnimeProgress:ComfyUi:Instances:{i}:Name"] = i == 0 ? "gpu-a" : "gpu-b";
            settings[$"AnimeProgress:ComfyUi:Instances:{i}:BaseUrl"] = gpus[i].BaseUrl.ToString();
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = AppHost.Start(settings, services);
        await Eventually.True(() => app.Hub.Instances.Count(i => i.Online && i.Devices.Count > 0) == gpus.Count, TimeSpan.FromSeconds(30), "every instance online with its GPU");
        var (_, operatorKey) = await KeyApps.KeyAsync(app, "olga", AppRoles.Operator, ApiScope.Read | ApiScope.Submit | ApiScope.Control);
        return new QueueFleet(gpus, app, operatorKey, settings, services);
    }

    /// <summary>
    /// gpu-a dies (losing what it had queued, as ComfyUI keeps its queue in memory) and, once the app sees it offline,
    /// starts again empty on the same port.
    /// </summary>
    public async Task RestartGpuAAsync()
    {
        var old = _gpus[0];
        await old.DisposeAsync();
        await Eventually.True(() => App.Hub.Instances.Any(i => i.Name == "gpu-a" && !i.Online), TimeSpan.FromSeconds(30), "gpu-a offline");
        _gpus[0] = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = old.Port, TimeScale = 0.1 }, Ct);
    }

    /// <summary>gpu-a dies for good (with what it had queued), and the app sees it offline.</summary>
    public async Task KillGpuAAsync()
    {
        await _gpus[0].StopAsync(Ct);
        await Eventually.True(() => App.Hub.Instances.Any(i => i.Name == "gpu-a" && !i.Online), TimeSpan.FromSeconds(30), "gpu-a offline");
    }

    /// <summary>
    /// gpu-a becomes unreachable (a network partition: it keeps its queue and goes on rendering) until
    /// <paramref name="reachable"/>, and the app sees it offline or online again.
    /// </summary>
    public async Task PartitionGpuAAsync(bool reachable = false)
    {
        _gpus[0].SetUnreachable(!reachable);
        await Eventually.True(() => App.Hub.Instances.Any(i => i.Name == "gpu-a" && i.Online == reachable), TimeSpan.FromSeconds(30), reachable ? "gpu-a online again" : "gpu-a offline");
    }

    /// <summary>
    /// AnimeProgress stops and starts again on the same database (the test sets <c>AnimeProgress:Database:DataDirectory</c>
    /// in <c>extra</c>), and sees <paramref name="online"/> online again.
    /// </summary>
    public async Task RestartAppAsync(params string[] online)
    {
        await App.DisposeAsync();
        App = AppHost.Start(_settings, _services);
        await Eventually.True(() => online.All(name => App.Hub.Instances.Any(i => i.Name == name && i.Online)), TimeSpan.FromSeconds(30), "instances online after the restart");
    }

    /// <summary>A job a few steps long (about a second), or one that runs until it is stopped.</summary>
    public static JsonObject Workflow(bool longRunning = false, int? steps = null) =>
        DemoWorkflows.Image("x", steps ?? (longRunning ? 2000 : 3), seed: Random.Shared.Next()).Workflow;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? key = null)
    {
        var content = body is null ? null : new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await KeyApps.SendAsync(App, method, path, key ?? OperatorKey, content);
    }

    public async Task<long> SubmitAsync(string title, bool longRunning = false, int priority = 0, object? needs = null, string? key = null, int? steps = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/jobs", new { title, workflow = Workflow(longRunning, steps), priority, needs }, key);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    /// <summary>Status code and the answer's message (an action's) or detail (a problem's).</summary>
    public async Task<(HttpStatusCode Status, string Text)> ActAsync(HttpMethod method, string path, object? body = null, string? key = null)
    {
        using var response = await SendAsync(method, path, body, key);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return (response.StatusCode, json?["message"]?.GetValue<string>() ?? json?["detail"]?.GetValue<string>() ?? "");
    }

    public async Task<JsonArray> QueueAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/queue");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["jobs"]!.AsArray();
    }

    public async Task<List<long>> WaitingOrderAsync() =>
        [.. (await QueueAsync()).Where(j => j!["state"]!.GetValue<string>() == "waiting").Select(j => j!["id"]!.GetValue<long>())];

    public Task<JobSnapshot> RunningAsync(long id) =>
        Eventually.Get(() => App.Hub.Find(id) is { Status: JobStatus.Running } job ? job : null, TimeSpan.FromSeconds(30), $"job {id} running");

    public Task<JobSnapshot> EndedAsync(long id) =>
        Eventually.Get(() => App.Hub.Find(id) is { IsTerminal: true } job ? job : null, TimeSpan.FromSeconds(60), $"job {id} ended");

    /// <summary>Our prompts pending (not running) on an instance, as the hub shows them.</summary>
    public int OursPendingOn(string instance) =>
        App.Hub.Jobs.Count(j => j.Instance == instance && j.Status == JobStatus.Queued && j.Source == JobSource.AnimeProgress);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        foreach (var gpu in _gpus)
        {
            await gpu.DisposeAsync();
        }
    }
}
