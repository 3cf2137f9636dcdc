using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Components.Jobs;
using AnimeProgress.Web.Components.Layout;
using AnimeProgress.Web.Components.TimeZones;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.Tests.Web.Components.TimeZones;

/// <summary>
/// Clock times in the viewer's time zone: the layout asks the browser's Intl.DateTimeFormat (JS interop set up here as
/// a browser in Tokyo would answer) and the cards' "Finishes about" follows; UTC until the browser has answered.
/// </summary>
public sealed class ViewerTimeZoneTests : ComponentTestContext
{
    private static readonly DateTimeOffset Updated = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static JobSnapshot Running() => new()
    {
        Id = 7,
        Title = "Ep 03 · Cut 012",
        Kind = JobKind.Video,
        Status = JobStatus.Running,
        Stage = Stage.Rendering,
        Percent = 40,
        EtaSeconds = 300,
        StartedAt = Updated.AddMinutes(-3),
        UpdatedAt = Updated,
        Version = 1,
    };

    private void BrowserIn(string zone) =>
        JSInterop.SetupModule(invocation => invocation.Identifier == "Intl.DateTimeFormat")
            .Setup<BrowserDateTimeOptions?>("resolvedOptions")
            .SetResult(new BrowserDateTimeOptions(zone));

    private IRenderedComponent<MainLayout> LayoutWithCard() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b =>
        {
            b.OpenComponent<JobCard>(0);
            b.AddAttribute(1, nameof(JobCard.Job), Running());
            b.CloseComponent();
        })));

    [Fact]
    public void The_card_shows_when_the_job_finishes_in_the_browsers_time_zone()
    {
        BrowserIn("Asia/Tokyo");

        var cut = LayoutWithCard();

        // 10:05 UTC is 19:05 in Tokyo (UTC+9, no daylight saving).
        cut.WaitForAssertion(() => Assert.Equal("Finishes about 19:05", cut.Find("[data-testid=eta]").GetAttribute("title")));
        Assert.True(Services.GetRequiredService<ViewerTimeZone>().Known);
    }

    [Fact]
    public void Until_the_browser_answers_or_when_it_names_an_unknown_zone_times_are_UTC()
    {
        BrowserIn("Mars/Olympus_Mons");

        var cut = LayoutWithCard();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".app-root").GetAttribute("data-ready")));
        Assert.Equal("Finishes about 10:05", cut.Find("[data-testid=eta]").GetAttribute("title"));
        var viewer = Services.GetRequiredService<ViewerTimeZone>();
        Assert.False(viewer.Known);
        Assert.Same(TimeZoneInfo.Utc, viewer.Zone);
    }

    [Fact]
    public async Task The_browser_is_asked_once_per_circuit()
    {
        BrowserIn("Europe/Berlin");
        var viewer = new ViewerTimeZone();

        Assert.True(await viewer.DetectAsync(JSInterop.JSRuntime, Xunit.TestContext.Current.CancellationToken));
        Assert.False(await viewer.DetectAsync(JSInterop.JSRuntime, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("Europe/Berlin", viewer.Zone.Id);
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "Intl.DateTimeFormat");
    }
}
