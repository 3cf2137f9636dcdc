using AnimeProgress.Core.Cluster;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Demo;

namespace AnimeProgress.Web.Hosting.Registration;

/// <summary>
/// Which optional parts of the app run, read once from configuration before the container exists (they decide
/// what is registered). A switch that is not true or false fails start-up naming its key (<see cref="SwitchSetting"/>).
/// </summary>
public sealed record AppFeatures(bool Demo, bool DemoGeneratesJobs, bool Postgres, bool Clustered, bool MetricsPort = false, bool RelayPort = false)
{
    public static AppFeatures From(IConfiguration configuration)
    {
        var demo = IsDemoEnabled(configuration);
        return new AppFeatures(
            demo,
            demo && DemoJobGenerator.IsEnabled(configuration),
            UsesPostgres(configuration),
            IsClusterEnabled(configuration),
            Telemetry.TelemetryRegistration.UsesOwnPort(configuration),
            Relay.RelayRegistration.UsesOwnPort(configuration));
    }

    /// <summary>
    /// The demo runs when asked to, or by default when no ComfyUI instance is configured and the database is SQLite.
    /// Never by itself on PostgreSQL: that database is the studio's, and demo jobs would land in its tables.
    /// </summary>
    public static bool IsDemoEnabled(IConfiguration configuration) =>
        SwitchSetting.Read(configuration, $"{DemoOptions.Section}:Enabled")
        ?? (!HasInstances(configuration) && !UsesPostgres(configuration));

    public static bool HasInstances(IConfiguration configuration) =>
        configuration.GetSection($"{ComfyUiOptions.Section}:Instances").GetChildren().Any();

    /// <summary>Leader election runs with PostgreSQL unless switched off; SQLite serves a single node.</summary>
    public static bool IsClusterEnabled(IConfiguration configuration)
    {
        if (SwitchSetting.Read(configuration, $"{ClusterOptions.Section}:Enabled") is not { } enabled)
        {
            return UsesPostgres(configuration);
        }

        if (enabled && !UsesPostgres(configuration))
        {
            throw new InvalidOperationException($"{ClusterOptions.Section}:Enabled needs {DatabaseOptions.Section}:Provider = Postgres (nodes share it).");
        }

        return enabled;
    }

    public static bool UsesPostgres(IConfiguration configuration) =>
        string.Equals(configuration[$"{DatabaseOptions.Section}:Provider"], nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase);
}
