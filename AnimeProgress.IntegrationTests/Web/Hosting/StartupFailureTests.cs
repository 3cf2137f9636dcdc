using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Hosting;

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
    [InlineData("AnimeProgress__Database__Schema", "anime api; drop", "AnimeProgress:Database:Schema")]
    [InlineData("AnimeProgress__Database__MigrateOnStart", "maybe", "AnimeProgress:Database:MigrateOnStart")]
    [InlineData("AnimeProgress__Demo__TimeScale", "-1", "AnimeProgress:Demo:TimeScale")]
    [InlineData("AnimeProgress__Cluster__Enabled", "true", "AnimeProgress:Cluster:Enabled")]
    [InlineData("AnimeProgress__Cluster__Enabled", "sometimes", "AnimeProgress:Cluster:Enabled")]
    [InlineData("AnimeProgress__StageMap__KSampler", "Baking", "AnimeProgress:StageMap:KSampler")]
    [InlineData("AnimeProgress__Dashboard__MaxRendersPerSecond", "0", "AnimeProgress:Dashboard:MaxRendersPerSecond")]
    [InlineData("AnimeProgress__ComfyUi__ReconnectMaxDelay", "soon", "AnimeProgress:ComfyUi:ReconnectMaxDelay")]
    [InlineData("AnimeProgress__ComfyUi__Instances__1__Name", "gpu", "AnimeProgress:ComfyUi:Instances:1:Name")]
    [InlineData("AnimeProgress__ComfyUi__MaxFrameBytes", "1073741824", "AnimeProgress:ComfyUi:MaxFrameBytes")]
    [InlineData("AnimeProgress__ComfyUi__QueuePollIdle", "00:00:00", "AnimeProgress:ComfyUi:QueuePollIdle")]
    [InlineData("AnimeProgress__Tracking__TickInterval", "00:00:00", "AnimeProgress:Tracking:TickInterval")]
    [InlineData("AnimeProgress__Tracking__QueueCapacity", "0", "AnimeProgress:Tracking:QueueCapacity")]
    [InlineData("AnimeProgress__Database__ReconcileInterval", "-00:00:01", "AnimeProgress:Database:ReconcileInterval")]
    [InlineData("AnimeProgress__History__SampleInterval", "00:00:00", "AnimeProgress:History:SampleInterval")]
    [InlineData("AnimeProgress__Cluster__LeaseCheckInterval", "00:00:30", "AnimeProgress:Cluster:LeaseCheckInterval")]
    [InlineData("AnimeProgress__Api__MaxMessageBytes", "10", "AnimeProgress:Api:MaxMessageBytes")]
    [InlineData("AnimeProgress__Demo__MaxActiveJobs", "0", "AnimeProgress:Demo:MaxActiveJobs")]
    [InlineData("AnimeProgress__Dashboard__RecentFinished", "-1", "AnimeProgress:Dashboard:RecentFinished")]
    [InlineData("AnimeProgress__Diagnostics__LoadStats", "maybe", "AnimeProgress:Diagnostics:LoadStats")]
    [InlineData("AnimeProgress__Accounts__Oidc__ClientId", "animeprogress", "AnimeProgress:Accounts:Oidc:Authority")]
    [InlineData("AnimeProgress__Accounts__Oidc__Authority", "http://sso.studio.example/realms/studio", "AnimeProgress:Accounts:Oidc:Authority must use https")]
    [InlineData("AnimeProgress__Access__AnonymousRole", "Admin", "AnimeProgress:Access:AnonymousRole may only be Viewer")]
    [InlineData("AnimeProgress__Access__AnonymousRole", "operator", "AnimeProgress:Access:AnonymousRole may only be Viewer")]
    [InlineData("AnimeProgress__Access__AnonymousNetworks__0", "studio-lan", "AnimeProgress:Access:AnonymousNetworks:0")]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_the_key(string variable, string value, string named)
    {
        var (exitCode, output) = await AppProcess.RunUntilExitAsync(
            new Dictionary<string, string>
            {
                ["AnimeProgress__ComfyUi__Instances__0__Name"] = "gpu",
                ["AnimeProgress__ComfyUi__Instances__0__BaseUrl"] = "http://127.0.0.1:9",
                [variable] = value,
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
