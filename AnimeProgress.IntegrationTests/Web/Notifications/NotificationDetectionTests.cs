using AnimeProgress.Core.Persistence;
using AnimeProgress.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>A detected condition through the real app: an unreachable ComfyUI instance is reported offline once, and a restart does not report it again.</summary>
public sealed class NotificationDetectionTests
{
    [Fact]
    public async Task An_instance_that_stays_offline_is_reported_once_across_a_restart()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var data = Directory.CreateTempSubdirectory("animeprogress-notify-").FullName;
        var settings = NotifyingApp.Webhook(receiver.Url, events: "instance.offline,instance.online", extra: new Dictionary<string, string?>
        {
            ["AnimeProgress:Database:DataDirectory"] = data,
            ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu-gone",
            // Nothing listens there.
            ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = $"http://127.0.0.1:{HttpReceiver.FreePort()}",
            ["AnimeProgress:Notifications:OfflineAfter"] = "00:00:00.5",
            ["AnimeProgress:Notifications:DetectInterval"] = "00:00:00.2",
        });

        await using (var first = AppHost.Start(settings))
        {
            await NotifyingApp.UntilAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the offline report");
        }

        var report = receiver.Requests.Single();
        Assert.Contains("\"type\":\"instance.offline\"", report.Body);
        Assert.Contains("instance.offline:instance:gpu-gone:", report.Body);

        await using var second = AppHost.Start(settings);
        // The instance is still offline, longer than OfflineAfter, and the detector has looked many times.
        await Task.Delay(3000, TestContext.Current.CancellationToken);
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await db.NotificationEvents.CountAsync(e => e.Type == "instance.offline", TestContext.Current.CancellationToken));
        Assert.Single(await db.NotificationConditions.ToListAsync(TestContext.Current.CancellationToken));
        Assert.Single(receiver.Requests);
    }
}
