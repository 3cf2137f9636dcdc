using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AnimeProgress.Web.Health;

/// <summary>
/// /readyz as JSON: the overall status plus each check's status, description and data, so an outage names itself.
/// Never exception text: a check that threw reports a fixed sentence (the exception goes to the log only).
/// </summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = Describe(e.Value), data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }

    // The health service copies a thrown exception's message into the description; it is not for the public.
    private static string? Describe(HealthReportEntry entry) =>
        entry.Exception is null ? entry.Description : "The check failed; the server log says why.";
}
