namespace AnimeProgress.Web.Relay;

/// <summary>
/// The relay's own refusals, as problem details with a sentence that says what to do. ComfyUI's answers are never
/// rewritten; these are only for what the relay decides itself (no key, unknown instance, an instance gone away).
/// </summary>
public static class RelayErrors
{
    public static string Unreachable(string instance) =>
        $"ComfyUI instance '{instance}' did not answer; it is offline or restarting. Try again when it is back (the dashboard shows its state).";

    public static Task WriteAsync(HttpContext context, int status, string detail)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return TypedResults.Problem(detail, statusCode: status, title: Title(status)).ExecuteAsync(context);
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "API key required",
        StatusCodes.Status403Forbidden => "Not allowed",
        StatusCodes.Status404NotFound => "Unknown ComfyUI instance",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status502BadGateway => "ComfyUI instance unreachable",
        _ => "Relay error",
    };
}
