using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Queue;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// Exactly-once dispatch (issue 16): a dispatch that fails, or whose process dies, after any of its steps is finished
/// by checking the instance's queue and history for the recorded prompt id: the job runs once, never twice, never lost.
/// </summary>
public sealed class ExactlyOnceDispatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Throws once, after the given step of the first dispatch: the dispatcher's pass fails right there.</summary>
    private sealed class FailOnceAfter(DispatchStep step) : IDispatchFaults
    {
        private int _failed;

        public ValueTask AfterAsync(DispatchStep at, long jobId, CancellationToken cancellationToken) =>
            at == step && Interlocked.Exchange(ref _failed, 1) == 0
                ? throw new InvalidOperationException($"injected failure after {step}")
                : ValueTask.CompletedTask;
    }

    /// <summary>Holds every dispatch for a while after ComfyUI took the prompt, before the row says dispatched.</summary>
    private sealed class SlowToConfirm : IDispatchFaults
    {
        public async ValueTask AfterAsync(DispatchStep at, long jobId, CancellationToken cancellationToken)
        {
            if (at == DispatchStep.Sent)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    [Fact]
    public async Task A_cancel_that_arrives_while_the_job_is_being_sent_waits_for_the_send_and_cancels_it_on_comfyui()
    {
        await using var fleet = await QueueFleet.StartAsync(services: s => s.AddSingleton<IDispatchFaults>(new SlowToConfirm()));
        var store = fleet.App.Services.GetRequiredService<FleetQueueStore>();

        var id = await fleet.SubmitAsync("cancelled in flight", longRunning: true);
        await Eventually.True(() => store.FindAsync(id, Ct).GetAwaiter().GetResult() is { State: "dispatching" }, what: "the job being sent");

        var (status, text) = await fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{id}/cancel");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("on gpu-a", text, StringComparison.Ordinal);
        var done = await fleet.EndedAsync(id);
        Assert.Equal(JobStatus.Cancelled, done.Status);
        Assert.Equal(1, fleet.GpuA.TimesQueued(done.PromptId!));
    }

    [Theory]
    [InlineData(DispatchStep.Recorded)]
    [InlineData(DispatchStep.Sent)]
    [InlineData(DispatchStep.Confirmed)]
    public async Task A_dispatch_that_fails_after_a_step_is_finished_and_the_job_runs_exactly_once(DispatchStep step)
    {
        await using var fleet = await QueueFleet.StartAsync(services: s => s.AddSingleton<IDispatchFaults>(new FailOnceAfter(step)));

        var id = await fleet.SubmitAsync("cut short");

        var done = await fleet.EndedAsync(id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(1, fleet.GpuA.TimesQueued(done.PromptId!));
        // The unfinished dispatch is confirmed by the check that follows the failure (the job may finish first).
        var store = fleet.App.Services.GetRequiredService<FleetQueueStore>();
        var row = await Eventually.Get(() => store.FindAsync(id, Ct).GetAwaiter().GetResult() is { State: "dispatched" } r ? r : null, what: "the dispatch confirmed");
        Assert.Equal(done.PromptId, row.PromptId);
    }

    [Theory]
    [InlineData("Recorded")]
    [InlineData("Sent")]
    [InlineData("Confirmed")]
    public async Task A_process_killed_after_a_step_of_a_dispatch_runs_the_job_exactly_once_after_restart(string step)
    {
        await using var gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 0.1 }, Ct);
        var data = Directory.CreateTempSubdirectory("animeprogress-kill-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu-a",
            ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = gpu.BaseUrl.ToString(),
            ["AnimeProgress__Database__DataDirectory"] = data,
            // One client id across both runs, as a cluster has: the second process hears the job the first one sent.
            ["AnimeProgress__ComfyUi__ClientId"] = "animeprogress-kill-test",
        };
        long id;
        string firstOutput;
        await using (var first = await AppServerProcess.StartAsync(new Dictionary<string, string>(environment) { ["AnimeProgress__Queue__HoldAfterStep"] = step }, Ct))
        {
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            id = await SubmitAsync(http);
            await Eventually.True(() => first.Output.Contains($"holds after step {step}", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"the dispatch holding after {step}");
            first.Kill();
            firstOutput = first.Output;
        }

        await using (var second = await AppServerProcess.StartAsync(environment, Ct))
        {
            using var http = new HttpClient { BaseAddress = second.BaseAddress };
            JsonObject job;
            try
            {
                job = await Eventually.Get(() => CompletedJob(http, id), TimeSpan.FromSeconds(60), "the job completed after the restart");
            }
            catch (TimeoutException)
            {
                Assert.Fail("Not completed after the restart. First run:\n" + Tail(firstOutput) + "\nSecond run:\n" + Tail(second.Output));
                throw;
            }

            var promptId = job["prompt_id"]!.GetValue<string>();
            Assert.Equal(1, gpu.TimesQueued(promptId));
            switch (step)
            {
                case "Recorded":
                    Assert.Contains("ComfyUI did not have it; sending it now", second.Output, StringComparison.Ordinal);
                    break;
                case "Sent":
                    // The tracker may see the job finish in ComfyUI's history before the recovery pass reaches it.
                    await Eventually.True(
                        () => second.Output.Contains("ComfyUI already had it; not sent again", StringComparison.Ordinal),
                        TimeSpan.FromSeconds(30), "the recovery reporting that ComfyUI already had the prompt");
                    break;
                default:
                    // Confirmed before the kill: nothing was unfinished, the restarted node only follows the job.
                    Assert.DoesNotContain("Unfinished dispatch", second.Output, StringComparison.Ordinal);
                    break;
            }
        }

        Directory.Delete(data, recursive: true);
    }

    private static string Tail(string text) => text.Length > 6000 ? text[^6000..] : text;

    private static async Task<long> SubmitAsync(HttpClient http)
    {
        var body = new StringContent(new JsonObject { ["title"] = "killed mid-dispatch", ["workflow"] = QueueFleet.Workflow() }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/api/jobs", body, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    private static JsonObject? CompletedJob(HttpClient http, long id)
    {
        using var response = http.GetAsync($"/api/jobs/{id}", Ct).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var job = response.Content.ReadFromJsonAsync<JsonObject>(Ct).GetAwaiter().GetResult()?["job"] as JsonObject;
        return job?["status"]?.GetValue<string>() == "completed" ? job : null;
    }
}
