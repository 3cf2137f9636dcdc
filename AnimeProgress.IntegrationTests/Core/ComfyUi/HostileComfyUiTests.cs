using System.Net.WebSockets;
using System.Text;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Submission = AnimeProgress.Core.Submission;

namespace AnimeProgress.IntegrationTests.Core.ComfyUi;

/// <summary>
/// A ComfyUI that misbehaves in every way the issue names (garbage and oversized frames, unknown
/// binary headers, HTTP 500s, a hanging endpoint) next to a healthy one: monitoring goes on and the
/// healthy instance is unaffected.
/// </summary>
public sealed class HostileComfyUiTests
{
    private static async Task<WebApplication> StartHostileAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var frames = new List<(byte[] Bytes, WebSocketMessageType Type)>
            {
                (Encoding.UTF8.GetBytes("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}, "sid": "x"}}"""), WebSocketMessageType.Text),
                (Encoding.UTF8.GetBytes("{not json"), WebSocketMessageType.Text),
                (Encoding.UTF8.GetBytes("""{"type": "progress", "data": {"value": "lots"}}"""), WebSocketMessageType.Text),
                (Encoding.UTF8.GetBytes("""{"type": "brand_new_event", "data": {}}"""), WebSocketMessageType.Text),
                ([0, 0, 0, 99, 1, 2, 3], WebSocketMessageType.Binary),
                (new byte[20_000], WebSocketMessageType.Binary),
                (Encoding.UTF8.GetBytes("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}}}"""), WebSocketMessageType.Text),
            };
            try
            {
                for (var round = 0; round < 50 && socket.State == WebSocketState.Open; round++)
                {
                    foreach (var (bytes, type) in frames)
                    {
                        await socket.SendAsync(bytes, type, true, context.RequestAborted);
                    }

                    await Task.Delay(100, context.RequestAborted);
                }

                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        });
        app.MapGet("/queue", () => Results.StatusCode(500));
        app.MapGet("/history/{id}", () => Results.StatusCode(500));
        app.MapGet("/system_stats", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromMinutes(5), ct);
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task A_misbehaving_instance_never_stops_monitoring_and_never_affects_a_healthy_one()
    {
        await using var hostile = await StartHostileAsync();
        var hostileUrl = hostile.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await using var healthy = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.05 }, TestContext.Current.CancellationToken);
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "hostile",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = hostileUrl,
            ["AnimeProgress:ComfyUi:Instances:1:Name"] = "healthy",
            ["AnimeProgress:ComfyUi:Instances:1:BaseUrl"] = healthy.BaseUrl.ToString(),
            ["AnimeProgress:ComfyUi:MaxFrameBytes"] = "8192",
            ["AnimeProgress:ComfyUi:SystemStatsInterval"] = "00:00:01",
            ["AnimeProgress:ComfyUi:QueuePollBusy"] = "00:00:00.500",
        });

        await Eventually.True(() => app.Hub.Instances.Count(i => i.Online) == 2, what: "both connected");
        // Let the hostile one send a few hundred bad frames and fail /queue a few times.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        var submitter = app.Services.GetRequiredService<Submission.JobSubmitter>();
        var id = await submitter.SubmitAsync(DemoWorkflows.Image("through the storm", steps: 5, seed: 1) with { Instance = "healthy" }, TestContext.Current.CancellationToken);
        var done = await Eventually.Get(() => app.Hub.Find(id) is { IsTerminal: true } j ? j : null, TimeSpan.FromSeconds(60), "job on the healthy instance");

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.True(app.Hub.Instances.Single(i => i.Name == "hostile").Online, "the hostile instance's connection loop is still up");
        Assert.True(app.Hub.Instances.Single(i => i.Name == "healthy").Devices.Count > 0, "the healthy instance's stats keep coming");
    }
}
