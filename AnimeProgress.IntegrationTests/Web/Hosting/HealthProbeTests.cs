using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Hosting;

namespace AnimeProgress.IntegrationTests.Web.Hosting;

/// <summary>The container HEALTHCHECK command against a live app and against nothing.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task The_probe_succeeds_against_a_running_app_and_fails_when_nothing_answers()
    {
        await using var app = AppHost.StartDemo();
        using var output = new StringWriter();

        Assert.Equal(0, await HealthProbe.RunAsync(new Uri(app.BaseAddress, "healthz").ToString(), output, TestContext.Current.CancellationToken));
        Assert.Equal(1, await HealthProbe.RunAsync("http://127.0.0.1:9/healthz", output, TestContext.Current.CancellationToken));
        Assert.Contains("200", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_Dockerfile_probes_the_health_endpoint_as_a_non_root_user()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile"));

        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"\"{HealthProbe.Command}\", \"http://127.0.0.1:8080/healthz\"", dockerfile, StringComparison.Ordinal);
    }
}
