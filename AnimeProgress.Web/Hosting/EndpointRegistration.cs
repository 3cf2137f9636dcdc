using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Components;
using AnimeProgress.Web.Diagnostics;
using AnimeProgress.Web.Hosting.Edge;
using AnimeProgress.Web.Limits;
using AnimeProgress.Web.Previews;
using AnimeProgress.Web.Relay;
using AnimeProgress.Web.Submission;
using AnimeProgress.Web.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Serilog;

namespace AnimeProgress.Web.Hosting;

public static class EndpointRegistration
{
    public static WebApplication UseAnimeProgress(this WebApplication app)
    {
        app.UseNetworkEdge(); // first: trusted-proxy addresses and security headers for everything after (Hosting/Edge)
        app.UseRelayKeyInUrl(); // before anything logs the path: /comfyui/k/{key}/… becomes a Bearer header (Web/Relay)
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseSerilogRequestLogging();
        // After the edge (the real client address decides the first-start rule), before the limits (a signed-in
        // user is its own client key) (Web/Accounts).
        app.UseAuthentication();
        app.UseRequestLimits(); // after forwarded headers (the real client address), before the API's token check (Web/Limits)
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthorization(); // explicit, so it runs after the edge; pages, the circuit and previews share PageAccess
        app.UseAntiforgery();

        // Liveness: the process answers (open to all). Readiness: the database and ComfyUI are reachable; the detail of
        // each check only for a signed-in user or a valid key, anyone else gets the overall status (HealthReportWriter).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = Health.HealthReportWriter.WriteAsync });

        if (app.Configuration.GetValue<bool>($"{DiagnosticsOptions.Section}:LoadStats"))
        {
            app.MapLoadStats();
        }

        app.MapMetrics(); // Prometheus's /metrics: a read key or an Admin (Web/Telemetry)
        app.MapProgressApi(); // issue 6: /ws, /api, /openapi/v1.json (AnimeProgress.Web/Api)
        app.MapComfyUiRelay(); // issue 17: /comfyui/{instance}/ speaks ComfyUI's API (Web/Relay)
        Relay.Port.RelayPortPipeline.UseComfyUiRelayPort(app); // the relay's own port, when set: its frontend too (Web/Relay/Port)
        app.MapJobSubmission();
        Queue.QueueEndpoints.MapQueueEndpoints(app); // the fleet queue's actions (issue 16; Web/Queue)
        app.MapJobPreviews();
        app.MapAccountEndpoints(); // sign-in and sign-out form posts (Web/Accounts)
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(PageAccess.Policy);
        Demo.NoInstanceNotice.LogIfIdle(app);
        StartBanner.LogWhenStarted(app);
        return app;
    }
}
