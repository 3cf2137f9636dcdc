using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Hosting;

/// <summary>
/// What a first-time user reads when the demo starts: the emulators' addresses (for the app, not for people) come
/// first, and the app's own address after them, once, on a line of its own that says to open it in a browser.
/// </summary>
public sealed class StartupLogTests
{
    [Fact]
    public async Task The_apps_address_is_the_last_address_logged_and_stands_out()
    {
        await using var app = await AppServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["AnimeProgress__Demo__Enabled"] = "true",
            ["AnimeProgress__Demo__TimeScale"] = "0.25",
        }, TestContext.Current.CancellationToken);
        var banner = $"==> AnimeProgress is ready: open {app.BaseAddress} in a browser <==";
        await Eventually.True(() => app.Output.Contains(banner, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the start banner");
        // Anything logged in the moments after start (the first demo jobs) must not push an address below it.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        // Start-up lines are the app's own (the first job's and the ComfyUI connections' lines may follow: they are events).
        var lines = app.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var bannerAt = lines.FindIndex(l => l.Contains(banner, StringComparison.Ordinal));
        var emulators = lines.Select((l, i) => (l, i)).Where(x => x.l.Contains("Demo ComfyUI emulator", StringComparison.Ordinal)).ToList();
        Assert.True(emulators.Count == 2, app.Output);
        Assert.True(emulators.All(e => e.i < bannerAt), "the emulators' addresses come before the app's: " + app.Output);
        Assert.Single(lines, l => l.Contains(app.BaseAddress.ToString(), StringComparison.Ordinal));
        // The framework's own "Now listening on" would repeat the address among the rest of the start-up lines.
        Assert.DoesNotContain("Now listening on", app.Output, StringComparison.Ordinal);
    }
}
