namespace AnimeProgress.Web.Relay;

/// <summary>
/// On the dashboard's port the relay serves programs (JSON, images, video, WebSockets), never a page or a script: a
/// custom node's HTML or JavaScript served there would run with the dashboard's origin, next to its sign-in cookie.
/// Such answers are refused; the rest is sandboxed by the relay's security-header policy in case a type lies
/// (Hosting/Edge/SecurityHeaderPolicy.ForRelay).
/// </summary>
public static class RelayContent
{
    private static readonly string[] ActiveTypes =
    [
        "text/html", "application/xhtml+xml", "text/javascript", "application/javascript", "application/x-javascript",
        "text/ecmascript", "application/ecmascript", "image/svg+xml", "text/xml", "application/xml", "text/css",
    ];

    public static bool IsActive(string? mediaType) =>
        mediaType is not null && ActiveTypes.Any(t => string.Equals(t, mediaType.Trim(), StringComparison.OrdinalIgnoreCase));

    public static Task RefuseAsync(HttpContext context, string mediaType) =>
        RelayErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
            $"The relay does not serve {mediaType} on the dashboard's address (a page or script there would share the dashboard's sign-in). Programs get JSON, images and WebSockets here.");
}
