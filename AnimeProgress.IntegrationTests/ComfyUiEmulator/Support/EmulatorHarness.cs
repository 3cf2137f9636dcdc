using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>An in-process emulator on a free port, an HttpClient for it, and the sockets a test opened.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    /// <summary>Generous: the suite must pass on a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly List<WsProbe> _probes = [];

    private EmulatorHarness(ComfyUiEmulatorServer server, EmulatorOptions options)
    {
        Server = server;
        Options = options;
        Http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = DefaultTimeout };
    }

    public ComfyUiEmulatorServer Server { get; private set; }

    public EmulatorOptions Options { get; }

    public HttpClient Http { get; private set; }

    public static Task<EmulatorHarness> StartAsync(double timeScale = 0.05) =>
        StartAsync(new EmulatorOptions { TimeScale = timeScale });

    /// <summary>Starts with these options on a free port (Port is overwritten with 0).</summary>
    public static async Task<EmulatorHarness> StartAsync(EmulatorOptions options)
    {
        options.Port = 0;
        var server = await ComfyUiEmulatorServer.StartAsync(options, TestContext.Current.CancellationToken);
        return new EmulatorHarness(server, options);
    }

    public async Task<WsProbe> ConnectAsync(string? clientId, string path = "ws")
    {
        var probe = await WsProbe.ConnectAsync(Server.BaseUrl, clientId, TestContext.Current.CancellationToken, path);
        _probes.Add(probe);
        // The greeting is the first frame; once it is here the socket is in the routing table.
        await probe.WaitForAsync("status", TestContext.Current.CancellationToken);
        return probe;
    }

    /// <summary>Connects and negotiates feature flags, waiting for the server's answer.</summary>
    public async Task<WsProbe> ConnectWithPreviewMetadataAsync(string clientId)
    {
        var probe = await ConnectAsync(clientId);
        await probe.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", TestContext.Current.CancellationToken);
        await probe.WaitForAsync("feature_flags", TestContext.Current.CancellationToken);
        return probe;
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> PostPromptAsync(JsonObject request)
    {
        var (status, body) = await PostAsync("prompt", request);
        return (status, JsonNode.Parse(body)!.AsObject());
    }

    /// <summary>Submits a prompt that must be accepted and returns its id.</summary>
    public async Task<string> SubmitAsync(JsonObject prompt, string? clientId, JsonObject? extra = null)
    {
        var request = new JsonObject { ["prompt"] = prompt };
        if (clientId is not null)
        {
            request["client_id"] = clientId;
        }
        foreach (var (key, value) in extra ?? [])
        {
            request[key] = value?.DeepClone();
        }
        var (status, body) = await PostPromptAsync(request);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        return body["prompt_id"]!.GetValue<string>();
    }

    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, JsonNode? body)
    {
        using var content = new StringContent(body?.ToJsonString() ?? "", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A GET whose status, headers and body the test inspects itself.</summary>
    public async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }

    /// <summary>Polls /history/{id} until the prompt has an entry.</summary>
    public async Task<JsonObject> WaitForHistoryAsync(string promptId)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(DefaultTimeout);
        while (true)
        {
            var history = await GetJsonAsync("history/" + promptId);
            if (history[promptId] is JsonObject entry)
            {
                return entry;
            }
            await Task.Delay(25, limit.Token);
        }
    }

    /// <summary>Polls /queue until nothing runs and nothing is pending.</summary>
    public async Task WaitUntilIdleAsync()
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(DefaultTimeout);
        while (true)
        {
            var queue = await GetJsonAsync("queue");
            if (queue["queue_running"]!.AsArray().Count == 0 && queue["queue_pending"]!.AsArray().Count == 0)
            {
                return;
            }
            await Task.Delay(25, limit.Token);
        }
    }

    /// <summary>Stops the server and at once starts a fresh one on the same port, as a real restart would.</summary>
    public async Task RestartAsync()
    {
        var old = Server;
        await old.StopAsync(TestContext.Current.CancellationToken);
        Server = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = old.Port, TimeScale = Options.TimeScale, ServerVersion = Options.ServerVersion }, TestContext.Current.CancellationToken);
        await old.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var probe in _probes)
        {
            await probe.DisposeAsync();
        }
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
