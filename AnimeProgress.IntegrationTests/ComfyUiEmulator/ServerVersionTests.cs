using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>What differs between 0.3.64 and the newer generation (reference §9), each checked in both.</summary>
public sealed class ServerVersionTests
{
    private static readonly System.Text.Json.JsonSerializerOptions AsSent = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string CanonicalId = "0e9c8d3c-1111-4222-8333-444455556666";

    [Theory]
    [InlineData("my-own-id")]
    [InlineData("0E9C8D3C-1111-4222-8333-444455556666")]
    [InlineData("0e9c8d3c111142228333444455556666")]
    [InlineData("{0e9c8d3c-1111-4222-8333-444455556666}")]
    public async Task The_newer_server_refuses_a_prompt_id_that_is_not_a_canonical_uuid(string promptId)
    {
        await using var emulator = await JobApiTests.StartNewerAsync();

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = Graphs.SavedImages(), ["prompt_id"] = promptId });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            """{"error":{"type":"invalid_prompt_id","message":"prompt_id must be a valid UUID","details":"prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one","extra_info":{}},"node_errors":{}}""",
            body.ToJsonString());
        Assert.Equal(0, emulator.Server.TimesQueued(promptId));
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task A_canonical_prompt_id_is_kept_by_both(ComfyUiServerVersion version)
    {
        await using var emulator = await StartAsync(version);

        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null, new JsonObject { ["prompt_id"] = CanonicalId });

        Assert.Equal(CanonicalId, promptId);
    }

    [Fact]
    public async Task The_0_3_64_server_keeps_any_prompt_id()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), clientId: null, new JsonObject { ["prompt_id"] = "my-own-id" });

        Assert.Equal("my-own-id", promptId);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364, false)]
    [InlineData(ComfyUiServerVersion.Newer, true)]
    public async Task Only_the_newer_server_adds_create_time_in_ms_to_extra_data(ComfyUiServerVersion version, bool expected)
    {
        await using var emulator = await StartAsync(version);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "client");
        var extraData = (await emulator.WaitForHistoryAsync(promptId))["prompt"]![3]!.AsObject();

        Assert.Equal(expected, extraData.ContainsKey("create_time"));
        if (expected)
        {
            Assert.InRange((long)extraData["create_time"]!, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }

    [Fact]
    public async Task The_newer_server_keeps_comfy_org_keys_out_of_queue_and_history()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();

        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(), "client", new JsonObject
        {
            ["extra_data"] = new JsonObject { ["auth_token_comfy_org"] = "secret", ["api_key_comfy_org"] = "secret", ["keep"] = 1 },
        });

        var extraData = (await emulator.WaitForHistoryAsync(promptId))["prompt"]![3]!.AsObject();
        Assert.Equal(["keep", "client_id", "create_time"], extraData.Select(p => p.Key));
    }

    [Fact]
    public async Task The_newer_server_words_an_unknown_class_as_missing_node_type()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();
        var node = Graphs.Node("NoSuchNode", []);
        node["_meta"] = new JsonObject { ["title"] = "My node" };

        var (status, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = new JsonObject { ["1"] = node } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            """{"error":{"type":"missing_node_type","message":"Node 'My node' not found. The custom node may not be installed.","details":"Node ID '#1'","extra_info":{"node_id":"1","class_type":"NoSuchNode","node_title":"My node"}},"node_errors":{}}""",
            body.ToJsonString(AsSent));
    }

    [Fact]
    public async Task The_newer_server_words_a_node_without_class_type_as_missing_node_type()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();

        var (_, body) = await emulator.PostPromptAsync(new JsonObject { ["prompt"] = new JsonObject { ["7"] = new JsonObject { ["inputs"] = new JsonObject() } } });

        Assert.Equal(
            """{"type":"missing_node_type","message":"Node 'ID #7' has no class_type. The workflow may be corrupted or a custom node is missing.","details":"Node ID '#7'","extra_info":{"node_id":"7","class_type":null,"node_title":null}}""",
            body["error"]!.ToJsonString(AsSent));
    }

    [Fact]
    public async Task The_newer_server_reports_its_version_platform_packages_and_deploy_environment()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();

        var system = (await emulator.GetJsonAsync("system_stats"))["system"]!.AsObject();

        Assert.Equal("linux", system["os"]!.GetValue<string>());
        Assert.Equal("0.38.1", system["comfyui_version"]!.GetValue<string>());
        Assert.Equal("local-git", system["deploy_environment"]!.GetValue<string>());
        Assert.Equal(["comfyui-frontend-package", "comfyui-workflow-templates", "comfyui-embedded-docs"],
            system["comfy_package_versions"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(
            ["os", "ram_total", "ram_free", "comfyui_version", "required_frontend_version", "installed_templates_version", "required_templates_version",
             "comfy_package_versions", "python_version", "pytorch_version", "embedded_python", "deploy_environment", "argv"],
            system.Select(p => p.Key));
    }

    [Fact]
    public async Task The_newer_server_has_more_feature_flags_on_http_and_websocket()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();
        var socket = await emulator.ConnectWithPreviewMetadataAsync("client");

        var features = await emulator.GetJsonAsync("features");

        Assert.Equal(
            """{"supports_preview_metadata":true,"supports_model_type_tags":true,"max_upload_size":104857600,"extension":{"manager":{"supports_v4":true}},"node_replacements":true,"assets":false}""",
            features.ToJsonString());
        Assert.Equal(features.ToJsonString(), socket.Messages.Single(m => m.Type == "feature_flags").Data!.ToJsonString());
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364, "input,input_order,output,output_is_list,output_name,name,display_name,description,python_module,category,output_node")]
    [InlineData(ComfyUiServerVersion.Newer,
        "input,input_order,is_input_list,output,output_is_list,output_name,name,display_name,description,python_module,category,output_node,has_intermediate_output,search_aliases")]
    public async Task Object_info_has_each_generations_fields_in_order(ComfyUiServerVersion version, string keys)
    {
        await using var emulator = await StartAsync(version);

        var one = (await emulator.GetJsonAsync("object_info/KSampler"))["KSampler"]!.AsObject();
        var all = (await emulator.GetJsonAsync("object_info"))["KSampler"]!.AsObject();

        Assert.Equal(keys, string.Join(',', one.Select(p => p.Key)));
        Assert.Equal(one.ToJsonString(), all.ToJsonString());
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364, HttpStatusCode.OK)]
    [InlineData(ComfyUiServerVersion.Newer, HttpStatusCode.Forbidden)]
    public async Task A_cross_site_request_is_refused_only_by_the_newer_server(ComfyUiServerVersion version, HttpStatusCode expected)
    {
        await using var emulator = await StartAsync(version);

        var (response, body) = await emulator.GetAsync("queue", r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));
        var (sameOrigin, _) = await emulator.GetAsync("queue", r => r.Headers.Add("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Empty(body);
        }
    }

    [Fact]
    public async Task The_newer_server_refuses_a_cross_site_websocket_upgrade()
    {
        await using var emulator = await JobApiTests.StartNewerAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Sec-Fetch-Site", "cross-site");
        socket.Options.CollectHttpResponseDetails = true;
        var url = new Uri(new Uri(emulator.Server.BaseUrl.ToString().Replace("http", "ws", StringComparison.Ordinal)), "ws?clientId=x");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364, false)]
    [InlineData(ComfyUiServerVersion.Newer, true)]
    public async Task Only_the_newer_server_sends_nosniff_with_view(ComfyUiServerVersion version, bool expected)
    {
        await using var emulator = await StartAsync(version);
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(batch: 1), clientId: null);
        var file = (await emulator.WaitForHistoryAsync(promptId))["outputs"]!["2"]!["images"]![0]!;

        var (response, _) = await emulator.GetAsync($"view?filename={file["filename"]}&type=output");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Headers.TryGetValues("X-Content-Type-Options", out var values) && values.Single() == "nosniff");
    }

    [Theory]
    [InlineData(ComfyUiServerVersion.Release0364)]
    [InlineData(ComfyUiServerVersion.Newer)]
    public async Task Progress_state_has_no_activity_unless_asked(ComfyUiServerVersion version)
    {
        await using var emulator = await StartAsync(version);
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 2), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var states = client.ForPrompt(promptId).Where(m => m.Type == "progress_state").ToList();
        Assert.NotEmpty(states);
        Assert.All(states, m => Assert.All(m.Data!["nodes"]!.AsObject(), n => Assert.False(n.Value!.AsObject().ContainsKey("activity"))));
    }

    [Fact]
    public async Task With_progress_activity_loaders_and_a_sampler_before_its_first_step_are_loading()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, ProgressActivity = true });
        var client = await emulator.ConnectAsync("client");

        var promptId = await emulator.SubmitAsync(Graphs.TextToImage(steps: 2), "client");
        await client.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var states = client.ForPrompt(promptId).Where(m => m.Type == "progress_state").Select(m => m.Data!["nodes"]!.AsObject()).ToList();
        // The checkpoint loader (1) and the KSampler (5) start "loading"; the text encoder (2) never has an activity.
        Assert.Contains(states, s => s["1"]?["activity"]?.GetValue<string>() == "loading" && s["1"]!["state"]!.GetValue<string>() == "running");
        var samplerStart = states.First(s => s.ContainsKey("5"));
        Assert.Equal("loading", samplerStart["5"]!["activity"]!.GetValue<string>());
        Assert.DoesNotContain(states, s => s["2"]?.AsObject().ContainsKey("activity") == true);
        // After its first step, and once finished, the sampler has no activity any more.
        Assert.False(states.Last(s => s.ContainsKey("5"))["5"]!.AsObject().ContainsKey("activity"));
        Assert.Contains(states, s => s["5"] is JsonObject n && n["state"]!.GetValue<string>() == "running" && (double)n["value"]! >= 1 && !n.ContainsKey("activity"));
    }

    private static Task<EmulatorHarness> StartAsync(ComfyUiServerVersion version) =>
        EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, ServerVersion = version });
}
