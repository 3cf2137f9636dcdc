using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// GPU-aware dispatch and who may act (issue 16), against two emulated instances: gpu-a with 24 GB, gpu-b with 12 GB.
/// A job goes only where its needs fit, one nobody can ever take is refused with the sentence, and only Operators (or
/// a job's submitter, for cancel and retry) may act.
/// </summary>
public sealed class QueueNeedsAndAccessTests : IAsyncLifetime
{
    private QueueFleet _fleet = null!;

    public async ValueTask InitializeAsync() => _fleet = await QueueFleet.StartAsync(instances: 2);

    public ValueTask DisposeAsync() => _fleet.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Text)> SubmitAsync(object needs, string? key = null)
    {
        var (status, text) = await _fleet.ActAsync(HttpMethod.Post, "/api/jobs", new { title = "needs", workflow = QueueFleet.Workflow(), needs }, key);
        return (status, text);
    }

    [Fact]
    public async Task Jobs_go_only_where_their_needs_fit_and_needs_nobody_has_are_refused_with_the_sentence()
    {
        var (status, text) = await SubmitAsync(new { vramGb = 48 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("No instance can ever take this job: it needs 48 GB (gpu-a has 24 GB; gpu-b has 12 GB).", text);

        (status, text) = await SubmitAsync(new { labels = new[] { "video" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("gpu-a lacks the label video; gpu-b lacks the label video", text, StringComparison.Ordinal);
        (status, text) = await SubmitAsync(new { models = new[] { "nobody-has-this.safetensors" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("does not list nobody-has-this.safetensors", text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Patch, "/api/instances/gpu-b", new { labels = new[] { "Video", "4070" } })).Status);
        (status, text) = await SubmitAsync(new { vramGb = 20, labels = new[] { "video" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("gpu-a lacks the label video; gpu-b has 12 GB", text, StringComparison.Ordinal);

        var video = await _fleet.SubmitAsync("video", needs: new { labels = new[] { "video" } });
        var big = await _fleet.SubmitAsync("big", needs: new { vramGb = 20 });
        var upscale = await _fleet.SubmitAsync("upscale", needs: new { models = new[] { "4x-UltraSharp.pth" } });
        Assert.Equal("gpu-b", (await _fleet.EndedAsync(video)).Instance);
        Assert.Equal("gpu-a", (await _fleet.EndedAsync(big)).Instance);
        Assert.NotNull((await _fleet.EndedAsync(upscale)).Instance);
    }

    [Fact]
    public async Task A_job_that_fits_only_a_busy_or_drained_instance_says_why_it_waits()
    {
        await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-a/drain");
        var job = await _fleet.SubmitAsync("big", needs: new { vramGb = 20 });

        var entry = await Eventually.Get(() => _fleet.QueueAsync().GetAwaiter().GetResult().FirstOrDefault(), what: "the job in the queue");
        Assert.Equal("Waits for an instance that fits: gpu-a is drained (gpu-b has 12 GB).", entry!["reason"]!.GetValue<string>());
        Assert.Null(_fleet.App.Hub.Find(job)!.Instance);
        await _fleet.ActAsync(HttpMethod.Post, "/api/instances/gpu-a/resume");
        Assert.Equal("gpu-a", (await _fleet.EndedAsync(job)).Instance);
    }

    [Fact]
    public async Task A_viewer_an_expired_key_or_a_key_without_control_cannot_act_but_a_submitter_may_cancel_their_own_job()
    {
        await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause");
        var operatorsJob = await _fleet.SubmitAsync("operator's");
        var (_, viewer) = await KeyApps.KeyAsync(_fleet.App, "vic", AppRoles.Viewer, ApiScope.Read | ApiScope.Submit | ApiScope.Control);
        var (_, expired) = await KeyApps.KeyAsync(_fleet.App, "old-pipeline", AppRoles.Operator, ApiScope.Read | ApiScope.Control, DateTimeOffset.UtcNow.AddMinutes(-1));
        var (_, submitOnly) = await KeyApps.KeyAsync(_fleet.App, "sam", AppRoles.Operator, ApiScope.Read | ApiScope.Submit);

        var (status, text) = await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{operatorsJob}/cancel", key: viewer);
        Assert.Equal((HttpStatusCode.Forbidden, $"Only an Operator or the job's submitter may cancel job #{operatorsJob}."), (status, text));
        Assert.Equal(HttpStatusCode.Forbidden, (await _fleet.ActAsync(HttpMethod.Post, "/api/queue/resume", key: viewer)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{operatorsJob}/move", new { to = "front" }, viewer)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{operatorsJob}/cancel", key: expired)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{operatorsJob}/cancel", key: submitOnly)).Status);
        Assert.Equal([operatorsJob], await _fleet.WaitingOrderAsync());

        // The viewer's own job: they may cancel it, and retry it, without being an Operator.
        var own = await _fleet.SubmitAsync("vic's", key: viewer);
        Assert.Equal(HttpStatusCode.OK, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{own}/cancel", key: viewer)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await _fleet.ActAsync(HttpMethod.Post, $"/api/jobs/{own}/retry", key: viewer)).Status);
    }
}
