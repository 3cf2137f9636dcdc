namespace AnimeProgress.Core.ComfyUi;

/// <summary>One ComfyUI machine AnimeProgress monitors.</summary>
public sealed record ComfyUiInstance(string Name, Uri BaseUrl)
{
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
