using System.Net;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Integration;

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

    [Theory]
    [InlineData("AnimeProgress:ComfyUi:Instances:0:BaseUrl", "not a url", "AnimeProgress:ComfyUi:Instances:0:BaseUrl")]
    [InlineData("AnimeProgress:Database:Provider", "Mongo", "AnimeProgress:Database:Provider")]
    [InlineData("AnimeProgress:Demo:TimeScale", "-1", "AnimeProgress:Demo:TimeScale")]
    [InlineData("AnimeProgress:StageMap:KSampler", "Baking", "AnimeProgress:StageMap:KSampler")]
    [InlineData("AnimeProgress:Dashboard:MaxRendersPerSecond", "0", "AnimeProgress:Dashboard:MaxRendersPerSecond")]
    public void A_bad_setting_stops_start_up_with_a_message_naming_the_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("AnimeProgress:ComfyUi:Instances", StringComparison.Ordinal))
        {
            settings["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu";
        }

        var ex = Assert.ThrowsAny<Exception>(() => AppHost.Start(settings).DisposeAsync().AsTask().GetAwaiter().GetResult());

        Assert.Contains(named, Flatten(ex), StringComparison.Ordinal);
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

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + " | " + Flatten(ex.InnerException);
}
