using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// Newer servers only: a request a browser marks <c>Sec-Fetch-Site: cross-site</c> is refused with an empty 403, HTTP
/// and WebSocket upgrade alike. This follows issue 17's description of today's ComfyUI (its origin middleware moved
/// to middleware/origin_middleware.py, which the code index does not hold); reference §1's Host/Origin check for
/// 0.3.64 is not emulated in either generation.
/// </summary>
internal static class CrossSiteGuard
{
    public static void UseCrossSiteGuard(this WebApplication app, RequestCounts counts) =>
        app.Use(async (context, next) =>
        {
            if (string.Equals(context.Request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
            {
                counts.CrossSiteRefused();
                await HttpJson.StatusAsync(context, StatusCodes.Status403Forbidden);
                return;
            }
            await next(context);
        });
}
