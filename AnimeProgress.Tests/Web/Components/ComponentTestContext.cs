using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Hosting;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace AnimeProgress.Tests.Web.Components;

/// <summary>bUnit with MudBlazor, a real hub and a fake clock; JS interop in loose mode.</summary>
public abstract class ComponentTestContext : BunitContext
{
    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        // The hub paces deliveries in real time; the fake clock only drives what the components display.
        Hub = new ProgressHub(TimeProvider.System);
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(Hub);
        Services.AddSingleton(Options.Create(new DashboardOptions { MaxRendersPerSecond = 50 }));
        // The layout shows who is signed in; by default nobody (a test signs someone in through Authorization).
        Authorization = AddAuthorization();
        // The layout listens for the session sweep ending its circuit (Web/Accounts/Sessions).
        Services.AddSingleton(new AnimeProgress.Web.Accounts.Sessions.OpenSessions());
        Services.AddScoped<AnimeProgress.Web.Accounts.Sessions.CircuitSession>();
        // The layout asks the browser for the viewer's time zone (UTC in loose JS interop: the browser never answers).
        Services.AddScoped<AnimeProgress.Web.Components.TimeZones.ViewerTimeZone>();
    }

    internal BunitAuthorizationContext Authorization { get; }

    internal FakeTimeProvider Time { get; }

    internal ProgressHub Hub { get; }
}
