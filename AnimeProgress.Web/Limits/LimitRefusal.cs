using System.Globalization;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// Writes a refusal of the request limits: the status code and a problem-details body whose <c>detail</c> is one
/// sentence saying what was exceeded, which key sets the limit and what to do.
/// </summary>
internal static class LimitRefusal
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title, string detail, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } wait)
        {
            // Whole seconds, rounded up: a client that waits that long is let in.
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(detail, statusCode: statusCode, title: title).ExecuteAsync(context);
    }

    public static string Key(string name) => $"{RequestLimits.Section}:{name}";
}
