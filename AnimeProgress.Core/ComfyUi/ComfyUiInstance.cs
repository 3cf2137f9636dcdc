namespace AnimeProgress.Core.ComfyUi;

/// <summary>One ComfyUI machine AnimeProgress monitors.</summary>
public sealed record ComfyUiInstance
{
    public ComfyUiInstance(string name, Uri baseUrl)
    {
        Name = name;
        // Relative paths ("ws", "queue") resolve under the base only when it ends with a slash.
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        DisplayUrl = WithoutUserInfo(BaseUrl);
    }

    public string Name { get; }

    /// <summary>The address requests go to; may hold <c>user:pass@</c>, so it is never shown or logged.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The address as shown to people (API, logs, pages): <see cref="BaseUrl"/> without its user info.</summary>
    public Uri DisplayUrl { get; }

    /// <summary>A URL with any <c>user:pass@</c> removed.</summary>
    public static Uri WithoutUserInfo(Uri url) =>
        url.IsAbsoluteUri && url.UserInfo.Length > 0 ? new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri : url;

    public Uri WebSocketUrl(string clientId)
    {
        var builder = new UriBuilder(new Uri(BaseUrl, "ws"))
        {
            Scheme = BaseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = "clientId=" + Uri.EscapeDataString(clientId),
        };
        return builder.Uri;
    }
}
