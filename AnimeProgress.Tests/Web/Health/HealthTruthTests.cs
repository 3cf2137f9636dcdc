using System.Security.Claims;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Health;

/// <summary>/readyz tells the truth about each instance, in plain words, and never carries exception text.</summary>
public sealed class HealthTruthTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_online_instance_with_a_failing_loop_makes_readiness_degraded_and_says_why()
    {
        var hub = new ProgressHub(_time);
        using var fleet = Fleet("gpu-1", "gpu-2");
        hub.Publish(new InstanceStatus { Name = "gpu-1", BaseUrl = new Uri("http://a/"), Online = true });
        hub.Publish(new InstanceStatus { Name = "gpu-2", BaseUrl = new Uri("http://b/"), Online = true, Degraded = "Its queue loop failed once and is being restarted." });

        var result = await new ComfyUiHealthCheck(fleet, hub).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("online", result.Data["gpu-1"]);
        Assert.Equal("degraded: Its queue loop failed once and is being restarted.", result.Data["gpu-2"]);

        hub.Publish(new InstanceStatus { Name = "gpu-2", BaseUrl = new Uri("http://b/"), Online = true });
        var recovered = await new ComfyUiHealthCheck(fleet, hub).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
    }

    [Fact]
    public async Task A_check_that_throws_is_reported_without_its_exception_text()
    {
        var entries = new Dictionary<string, HealthReportEntry>
        {
            ["database"] = new(HealthStatus.Unhealthy, "Password authentication failed for user \"studio\"", TimeSpan.Zero,
                new InvalidOperationException("Password authentication failed for user \"studio\""), null),
        };
        // A signed-in reader, who gets the detail.
        var json = await WriteAsync(entries, new ClaimsPrincipal(new ClaimsIdentity("Identity.Application")));

        Assert.DoesNotContain("studio", json, StringComparison.Ordinal);
        Assert.Contains("The check failed; the server log says why.", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_reader_gets_the_overall_status_alone()
    {
        var entries = new Dictionary<string, HealthReportEntry>
        {
            ["comfyui"] = new(HealthStatus.Degraded, "gpu-2 at http://10.0.0.9:8188 is offline", TimeSpan.Zero, null, null),
        };

        var json = await WriteAsync(entries, new ClaimsPrincipal(new ClaimsIdentity()));

        Assert.Equal("Degraded", System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("comfyui", json, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.9", json, StringComparison.Ordinal);
    }

    private static async Task<string> WriteAsync(Dictionary<string, HealthReportEntry> entries, ClaimsPrincipal reader)
    {
        var context = new DefaultHttpContext { User = reader };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await HealthReportWriter.WriteAsync(context, new HealthReport(entries, TimeSpan.Zero));
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }

    private ComfyUiFleet Fleet(params string[] names)
    {
        var options = new ComfyUiOptions { Instances = [.. names.Select(n => new ComfyUiInstanceOptions { Name = n, BaseUrl = $"http://{n}:8188" })] };
        var fleet = new ComfyUiFleet(new NoHttp(), new NoObserver(), Options.Create(options), _time, NullLoggerFactory.Instance, Options.Create(new InputLimits()));
        fleet.AddConfigured();
        return fleet;
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private sealed class NoObserver : IInstanceObserver
    {
        public ValueTask ObserveAsync(InstanceObservation observation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IReadOnlyList<string> ActivePromptIds(string instance) => [];
    }
}
