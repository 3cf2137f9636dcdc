using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AnimeProgress.Web.Hosting;

/// <summary>
/// The last start-up line, and the one a first-time user needs: the address to open in a browser. It is logged once
/// the server listens (so it follows the demo emulators' addresses, which are for the app, not for people) and stands
/// out from the lines before it. The framework's own "Now listening on" lines are left to Warning in appsettings.json.
/// </summary>
public static partial class StartBanner
{
    public static void LogWhenStarted(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartBanner).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var url in addresses.Select(Browsable).Distinct(StringComparer.Ordinal))
            {
                LogOpen(logger, url);
            }
        });
    }

    /// <summary>A wildcard binding ("http://+:8080", "http://0.0.0.0:8080", "http://[::]:8080") opened on this machine.</summary>
    public static string Browsable(string address)
    {
        var url = address.Replace("://+:", "://localhost:", StringComparison.Ordinal)
            .Replace("://*:", "://localhost:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal)
            .Replace("://[::]:", "://localhost:", StringComparison.Ordinal);
        return url.EndsWith('/') ? url : url + "/";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "==> AnimeProgress is ready: open {Url} in a browser <==  (Ctrl+C stops it)")]
    private static partial void LogOpen(ILogger logger, string url);
}
