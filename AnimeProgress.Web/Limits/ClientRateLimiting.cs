using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AnimeProgress.Web.Limits;

/// <summary>
/// ASP.NET Core rate limiting for the API, partitioned by <see cref="ClientIdentity"/>: a fixed window of permits per
/// client for <c>/api</c> and <c>/ws</c>, a stricter one for submissions (<c>POST /api/jobs</c>), and one for sign-in
/// attempts (<c>POST /account/login</c>). Previews are not counted (the dashboard's pages load them; they are small and
/// already in memory). Refusals are 429 with Retry-After; a refused sign-in goes back to the sign-in page, which says why.
/// </summary>
internal static partial class ClientRateLimiting
{
    public const string ApiPolicy = "api";
    public const string SubmissionPolicy = "submission";
    public const string SignInPolicy = "signin";

    public static void Configure(RateLimiterOptions options, RequestLimits limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var policy = PolicyOf(context.Request);
            if (policy is null)
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            var client = context.RequestServices.GetRequiredService<ClientIdentityResolver>().Resolve(context);
            if (client.IsLocal && limits.ExemptLoopback)
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            var (permits, window, _, _) = Allowance(policy, limits);
            return RateLimitPartition.GetFixedWindowLimiter(policy + " " + client.Key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = (rejected, _) => new ValueTask(RefuseAsync(rejected, limits));
    }

    /// <summary>Which limit a request counts against, or null when none.</summary>
    public static string? PolicyOf(HttpRequest request)
    {
        var path = request.Path;
        if (HttpMethods.IsPost(request.Method) && IsSubmission(path))
        {
            return SubmissionPolicy;
        }

        if (HttpMethods.IsPost(request.Method) && path.Equals(Accounts.AccountEndpoints.SignInPath, StringComparison.OrdinalIgnoreCase))
        {
            return SignInPolicy;
        }

        if (path.Value is { } value && value.EndsWith("/preview", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase)
            ? ApiPolicy
            : null;
    }

    public static bool IsSubmission(PathString path) =>
        path.Equals("/api/jobs", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/jobs/", StringComparison.OrdinalIgnoreCase);

    private static Task RefuseAsync(OnRejectedContext rejected, RequestLimits limits)
    {
        var context = rejected.HttpContext;
        var policy = PolicyOf(context.Request);
        TimeSpan? retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        var (permits, window, permitsKey, windowKey) = Allowance(policy, limits);
        var what = policy switch
        {
            SubmissionPolicy => "job submissions",
            SignInPolicy => "sign-in attempts",
            _ => "API requests",
        };
        var seconds = retryAfter is { } w ? Math.Max(1, (int)Math.Ceiling(w.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "a few";
        var client = context.RequestServices.GetRequiredService<ClientIdentityResolver>().Resolve(context);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientRateLimiting).FullName!)
            .LogRateLimited(what, client.Key, context.Request.Path.Value ?? "/");
        if (policy == SignInPolicy)
        {
            // A person at a form: back to the sign-in page, which says to wait (no password was checked).
            if (retryAfter is { } after)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = Accounts.AccountEndpoints.LoginPage + "?throttled=true";
            return Task.CompletedTask;
        }

        return LimitRefusal.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            "Too many requests",
            $"This client made more than {permits} {what} in {window}; retry in {seconds} seconds, or raise {LimitRefusal.Key(permitsKey)} (per {LimitRefusal.Key(windowKey)}).",
            retryAfter);
    }

    /// <summary>The permits and window of a policy, and the names of their settings.</summary>
    private static (int Permits, TimeSpan Window, string PermitsKey, string WindowKey) Allowance(string? policy, RequestLimits limits) => policy switch
    {
        SubmissionPolicy => (limits.SubmissionPermitsPerWindow, limits.SubmissionWindow, nameof(limits.SubmissionPermitsPerWindow), nameof(limits.SubmissionWindow)),
        SignInPolicy => (limits.SignInPermitsPerWindow, limits.SignInWindow, nameof(limits.SignInPermitsPerWindow), nameof(limits.SignInWindow)),
        _ => (limits.ApiPermitsPerWindow, limits.ApiWindow, nameof(limits.ApiPermitsPerWindow), nameof(limits.ApiWindow)),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit: {What} from {Client} to {Path} refused")]
    private static partial void LogRateLimited(this ILogger logger, string what, string client, string path);
}
