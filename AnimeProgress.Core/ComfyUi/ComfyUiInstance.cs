namespace AnimeProgress.Core.ComfyUi;

/// <summary>One ComfyUI machine AnimeProgress monitors.</summary>
public sealed record ComfyUiInstance
{
    public ComfyUiInstance(string name, Uri baseUrl)
    {
        Name = name;
        // Relative paths ("ws", "queue") resolve under the base only when it ends with a slash.
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

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
