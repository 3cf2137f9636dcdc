using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Tracking;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Api.Rest;

/// <summary>
/// An instance whose queue holds 500 prompts of another program, with the tracking cap at 50: the running app's tracker
/// follows 50, and the REST API counts and lists the other 450 in queue order.
/// </summary>
public sealed class UntrackedQueueApiTests(UntrackedQueueApiTests.CappedApp capped) : IClassFixture<UntrackedQueueApiTests.CappedApp>
{
    private const string Instance = "studio-gpu";

    public sealed class CappedApp : IAsyncLifetime
    {
        internal AppHost App { get; } = ApiApps.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = Instance,
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9/",
            ["AnimeProgress:Tracking:MaxActiveJobsPerInstance"] = "50",
        });

        public async ValueTask InitializeAsync()
        {
            // What the instance's /queue would say: one running and 499 pending prompts of a batch script.
            var items = Enumerable.Range(0, 500).Select(i => new QueueItem(
                i, $"batch-{i:D3}", Graph(i), new JsonObject { ["client_id"] = "batch-script" }, ["9"])).ToList();
            var tracker = App.Services.GetRequiredService<ProgressTracker>();
            tracker.Post(new InstanceObserved(new InstanceConnected(Instance, new Uri("http://127.0.0.1:9/"))));
            tracker.Post(new InstanceObserved(new InstanceReconciled(
                Instance, new QueueState([items[0]], items[1..]), new Dictionary<string, HistoryEntry?>(), DateTimeOffset.UtcNow, "animeprogress")));
            await Eventually.True(() => App.Hub.Instances.Any(i => i.Name == Instance && i.UntrackedQueued == 450), what: "the reconcile folded");
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();

        private static JsonObject Graph(int i) => new()
        {
            ["4"] = new JsonObject { ["class_type"] = "CheckpointLoaderSimple", ["inputs"] = new JsonObject { ["ckpt_name"] = "m.safetensors" } },
            ["3"] = new JsonObject
            {
                ["class_type"] = "KSampler",
                ["inputs"] = new JsonObject { ["seed"] = i, ["steps"] = 20, ["model"] = new JsonArray("4", 0) },
            },
            ["9"] = new JsonObject
            {
                ["class_type"] = "SaveImage",
                ["inputs"] = new JsonObject { ["filename_prefix"] = $"ep04/cut_{i:D3}", ["images"] = new JsonArray("3", 0) },
            },
        };
    }

    private AppHost App => capped.App;

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var http = App.CreateClient();
        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    [Fact]
    public async Task The_instance_counts_the_prompts_beyond_the_cap_and_the_jobs_api_has_the_50_followed()
    {
        var instances = await GetJsonAsync("/api/instances");
        var instance = instances.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("name").GetString() == Instance);
        Assert.Equal(450, instance.GetProperty("untracked_queued").GetInt32());

        var jobs = await GetJsonAsync($"/api/jobs?instance={Instance}&status=queued,processing&limit=500");
        Assert.Equal(50, jobs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_queue_endpoint_pages_through_the_rest_in_queue_order()
    {
        var listed = new List<(int Position, string PromptId)>();
        for (var offset = 0; ; offset += 200)
        {
            var page = await GetJsonAsync($"/api/instances/{Instance}/queue?offset={offset}&limit=200");
            Assert.Equal(450, page.GetProperty("total").GetInt32());
            var prompts = page.GetProperty("prompts").EnumerateArray().ToList();
            if (prompts.Count == 0)
            {
                break;
            }

            listed.AddRange(prompts.Select(p => (p.GetProperty("queue_position").GetInt32(), p.GetProperty("prompt_id").GetString()!)));
        }

        Assert.Equal(Enumerable.Range(50, 450).Select(i => (i, $"batch-{i:D3}")), listed);
        var first = (await GetJsonAsync($"/api/instances/{Instance}/queue?limit=1")).GetProperty("prompts")[0];
        Assert.Equal("ep04/cut_050 (batch-05)", first.GetProperty("title").GetString());
        Assert.Equal("external", first.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_unknown_instance_or_a_page_too_large_is_refused_with_what_to_change()
    {
        using var http = App.CreateClient();

        using var unknown = await http.GetAsync("/api/instances/nope/queue", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("GET /api/instances lists them", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        using var tooLarge = await http.GetAsync($"/api/instances/{Instance}/queue?limit=100000", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("between 1 and 500", await tooLarge.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
