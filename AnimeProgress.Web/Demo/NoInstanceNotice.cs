using AnimeProgress.Web.Hosting.Registration;

namespace AnimeProgress.Web.Demo;

/// <summary>
/// Says at start why nothing is tracked when no ComfyUI instance is configured and the demo is off (on PostgreSQL it
/// never starts by itself); /readyz says "No ComfyUI instance is configured." meanwhile.
/// </summary>
public static partial class NoInstanceNotice
{
    public static void LogIfIdle(WebApplication app)
    {
        var features = AppFeatures.From(app.Configuration);
        if (!features.Demo && !AppFeatures.HasInstances(app.Configuration))
        {
            LogIdle(app.Logger, features.Postgres ? "PostgreSQL" : "SQLite");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No ComfyUI instance is configured and the demo is off ({Database}): nothing will be tracked. "
        + "Add AnimeProgress:ComfyUi:Instances, or set AnimeProgress:Demo:Enabled=true to run the demo (on PostgreSQL it writes demo jobs into that database).")]
    private static partial void LogIdle(ILogger logger, string database);
}
