using System.Text.Json;
using AnimeProgress.Web.Api.Access;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>
/// /readyz as JSON: the overall status plus each check's status, description and data, so an outage names itself.
/// Never exception text: a check that threw reports a fixed sentence (the exception goes to the log only).
/// The detail (instance names, addresses, what failed) is for people and programs the app knows: a signed-in user
/// (the first start's local Admin included) or a request with a valid access token. Anyone else, e.g. a load
/// balancer's probe, gets the overall status alone, which is all it needs (the status code says it too).
/// </summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        if (!MaySeeDetail(context))
        {
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Json), context.RequestAborted);
        }

        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = Describe(e.Value), data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }

    public static bool MaySeeDetail(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
        || context.RequestServices?.GetService<AccessTokens>() is { Required: true } tokens && tokens.IsAuthorized(context.Request);

    // The health service copies a thrown exception's message into the description; it is not for the public.
    private static string? Describe(HealthReportEntry entry) =>
        entry.Exception is null ? entry.Description : "The check failed; the server log says why.";
}
