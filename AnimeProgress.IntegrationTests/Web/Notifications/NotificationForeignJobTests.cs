using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// Outcomes of jobs AnimeProgress observes but did not submit are told like its own: prompts other programs post to
/// ComfyUI (with their own client id, or none), and rows other programs write into <c>production_jobs</c> naming a prompt.
/// </summary>
public sealed class NotificationForeignJobTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prompts_other_programs_post_to_comfyui_raise_their_completed_and_failed_events()
    {
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1 }, Ct);
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url, extra: Instance(gpu)));
        await Eventually.True(() => app.Hub.Instances.Any(i => i.Online), what: "the instance online");

        var external = await PostToComfyUiAsync(gpu, "comfy-webui-42", extraData: null);
        var broadcast = await PostToComfyUiAsync(gpu, clientId: null, DemoWorkflows.FailNode("8", "decoder exploded"));

        var completed = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == external && j.IsTerminal), TimeSpan.FromSeconds(60), "the external job done");
        var failed = await Eventually.Get(() => app.Hub.Jobs.FirstOrDefault(j => j.PromptId == broadcast && j.IsTerminal), TimeSpan.FromSeconds(60), "the broadcast job done");
        Assert.Equal((JobSource.External, JobStatus.Completed), (completed.Source, completed.Status));
        Assert.Equal((JobSource.Broadcast, JobStatus.Failed), (failed.Source, failed.Status));

        string[] expected = [$"job.completed:{completed.Id}", $"job.failed:{failed.Id}"];
        await NotifyingApp.UntilAsync(() => Task.FromResult(expected.All(id => EventIds(receiver).Contains(id))), "both outcomes at the receiver", TimeSpan.FromSeconds(30));
        Assert.Equal(expected.Order(StringComparer.Ordinal), EventIds(receiver).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_row_another_program_wrote_raises_its_outcome_once_when_the_app_sees_it_finish()
    {
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1 }, Ct);
        await using var receiver = await HttpReceiver.StartAsync();
        var data = Directory.CreateTempSubdirectory("animeprogress-notify-foreign-").FullName;
        var extra = Instance(gpu);
        extra["AnimeProgress:Database:DataDirectory"] = data;
        var settings = NotifyingApp.Webhook(receiver.Url, extra: extra);

        // The first start creates the tables; then another program posts a prompt and writes its own row for it.
        await using (AppHost.Start(settings))
        {
        }

        var prompt = await PostToComfyUiAsync(gpu, "render-farm-script", extraData: null);
        // Finished before the app starts: it learns the outcome from ComfyUI's history, and the job stays the row's
        // (a prompt still queued would be taken over and written by the app, which tells its outcome anyway).
        using (var http = new HttpClient())
        {
            await Eventually.True(
                () => http.GetStringAsync(new Uri(gpu.BaseUrl, "history/" + prompt), Ct).GetAwaiter().GetResult().Contains(prompt, StringComparison.Ordinal),
                TimeSpan.FromSeconds(60), "the prompt in ComfyUI's history");
        }

        var now = DateTimeOffset.UtcNow;
        await using (var db = new AnimeProgressDbContext(new DbContextOptionsBuilder<AnimeProgressDbContext>()
            .UseSqlite($"Data Source={Path.Combine(data, "animeprogress.db")};Pooling=False").Options))
        {
            db.ProductionJobs.Add(new ProductionJobRow
            {
                Id = 500,
                Title = "Script's turnaround",
                Status = "running",
                ComfyUiJobId = prompt,
                ComfyUiInstance = "gpu-a",
                CreatedAt = now,
                StartedAt = now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        await using var app = AppHost.Start(settings);
        var done = await Eventually.Get(() => app.Hub.Find(500) is { IsTerminal: true } job ? job : null, TimeSpan.FromSeconds(60), "the row's job done");
        Assert.Equal((JobSource.Database, JobStatus.Completed), (done.Source, done.Status));
        await NotifyingApp.UntilAsync(() => Task.FromResult(EventIds(receiver).Contains("job.completed:500")), "the row's outcome at the receiver", TimeSpan.FromSeconds(30));

        // Seen again (the hub republishes, a later start reads the row): the same event, not told twice.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(["job.completed:500"], EventIds(receiver));
        await using var db2 = await app.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(1, await db2.NotificationEvents.CountAsync(e => e.Id == "job.completed:500", Ct));
    }

    private static Dictionary<string, string?> Instance(ComfyUiEmulatorServer gpu) => new()
    {
        ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-a",
        ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = gpu.BaseUrl.ToString(),
    };

    private static List<string> EventIds(HttpReceiver receiver) => [.. receiver.Requests.SelectMany(r => WebhookPayload.EventIds(r.Body))];

    /// <summary>Another program posts straight to ComfyUI, as its web UI or a script would.</summary>
    private static async Task<string> PostToComfyUiAsync(ComfyUiEmulatorServer gpu, string? clientId, JsonObject? extraData)
    {
        var body = new JsonObject { ["prompt"] = DemoWorkflows.Image("x", 20, seed: Random.Shared.Next()).Workflow };
        if (clientId is not null)
        {
            body["client_id"] = clientId;
        }

        if (extraData is not null)
        {
            body["extra_data"] = extraData;
        }

        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(gpu.BaseUrl, "prompt"), body, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["prompt_id"]!.GetValue<string>();
    }
}
