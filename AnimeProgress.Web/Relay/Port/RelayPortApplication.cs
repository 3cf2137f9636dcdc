using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// What the relay port's Kestrel server runs for each request: a context from the app's own factory (its services,
/// a request scope), marked as the relay port's, through the relay port's pipeline (<see cref="RelayPortPipeline"/>).
/// </summary>
internal sealed partial class RelayPortApplication(RequestDelegate pipeline, IHttpContextFactory contexts, ILogger logger) : IHttpApplication<HttpContext>
{
    public HttpContext CreateContext(IFeatureCollection contextFeatures)
    {
        var context = contexts.Create(contextFeatures);
        context.Features.Set(RelayPortRequest.Instance);
        return context;
    }

    public async Task ProcessRequestAsync(HttpContext context)
    {
        try
        {
            await pipeline(context);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel answers 500 when nothing was sent yet; logged here, as the app's own pipeline would.
            LogFailed(ex, context.Request.Path.Value ?? "");
            throw;
        }
    }

    public void DisposeContext(HttpContext context, Exception? exception) => contexts.Dispose(context);

    [LoggerMessage(Level = LogLevel.Error, Message = "Relay port request to {Path} failed")]
    private partial void LogFailed(Exception exception, string path);
}
