using System.Net;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Health;

public sealed class StartupAndHealthTests
{
    [Fact]
    public async Task The_embedded_default_serves_the_dashboard_and_reports_ready()
    {
        await using var app = AppHost.StartDemo();
        using var http = app.CreateClient();

        var page = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("AnimeProgress", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        await Eventually.True(() => http.GetAsync("/readyz").Result.StatusCode == HttpStatusCode.OK, what: "ready");
        await Eventually.True(() => app.Hub.Jobs.Any(j => j.Status == AnimeProgress.Core.Jobs.JobStatus.Running), what: "a demo job running");
    }

    [Fact]
    public async Task A_base_url_alone_is_enough_and_names_the_instance_after_its_host()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9/",
        });

        await Eventually.True(() => app.Hub.Instances.Count == 1, what: "the instance tried");
        Assert.Equal("127.0.0.1:9", app.Hub.Instances.Single().Name);
        Assert.Empty(app.Hub.Jobs);
    }

    [Fact]
    public async Task Configuring_an_instance_turns_the_demo_off()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "studio-gpu",
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = "http://127.0.0.1:9/",
        });

        await Task.Delay(1000, TestContext.Current.CancellationToken);
        Assert.Equal(["studio-gpu"], app.Hub.Instances.Select(i => i.Name));
        Assert.False(app.Hub.Instances.Single().Online);
        Assert.Empty(app.Hub.Jobs);
    }
}
