using System.Diagnostics;

namespace AnimeProgress.Tests.Integration;

/// <summary>
/// The operator's experience of a wrong setting: the real app process stops at start-up with a
/// non-zero exit code and a message that names the configuration key.
/// </summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("AnimeProgress__ComfyUi__Instances__0__BaseUrl", "not a url", "AnimeProgress:ComfyUi:Instances:0:BaseUrl")]
    [InlineData("AnimeProgress__Database__Provider", "Mongo", "AnimeProgress:Database:Provider")]
    [InlineData("AnimeProgress__Database__Provider", "Postgres", "ConnectionStrings:AnimeProduction")]
    [InlineData("AnimeProgress__Demo__TimeScale", "-1", "AnimeProgress:Demo:TimeScale")]
    [InlineData("AnimeProgress__StageMap__KSampler", "Baking", "AnimeProgress:StageMap:KSampler")]
    [InlineData("AnimeProgress__Dashboard__MaxRendersPerSecond", "0", "AnimeProgress:Dashboard:MaxRendersPerSecond")]
    [InlineData("AnimeProgress__ComfyUi__ReconnectMaxDelay", "soon", "AnimeProgress:ComfyUi:ReconnectMaxDelay")]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_the_key(string variable, string value, string named)
    {
        var data = Directory.CreateTempSubdirectory("animeprogress-startup-").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AnimeProgress.Web.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AnimeProgress__Database__DataDirectory"] = data;
        start.Environment["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu";
        start.Environment["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = "http://127.0.0.1:9";
        start.Environment[variable] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = await output + await errors;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains(named, text, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }
}
