using AnimeProgress.Core.ComfyUi;
using Yarp.ReverseProxy.Forwarder;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// What the relay changes on the way: the path loses <c>/comfyui/{instance}</c>; the key, the dashboard's cookie and
/// the browser's Origin and Sec-Fetch headers never reach ComfyUI (its origin check would refuse a foreign Origin, and
/// newer servers refuse <c>Sec-Fetch-Site: cross-site</c>, reference §1 and §9); on the way back nothing may set a
/// cookie on the dashboard's origin, and the dashboard's port never serves a page or a script
/// (<see cref="RelayContent"/>).
/// </summary>
internal sealed class RelayTransformer(ComfyUiInstance instance, string path) : HttpTransformer
{
    private static readonly string[] NotForwarded = ["Authorization", "Cookie", "Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User"];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        // Checked by RelayEndpoint before forwarding: the address stays on the instance.
        proxyRequest.RequestUri = RelayRoute.Target(instance.DisplayUrl, path, httpContext.Request.QueryString.Value)
            ?? throw new InvalidOperationException("A relay path that leaves its instance reached the proxy.");
        proxyRequest.Headers.Host = null;
        foreach (var header in NotForwarded)
        {
            proxyRequest.Headers.Remove(header);
        }

        proxyRequest.Headers.Authorization = RelayHttp.BasicAuthOf(instance);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // On the relay's own port pages and scripts pass: that is where ComfyUI's frontend runs (Relay/Port).
        if (proxyResponse is not null && !Port.RelayPortRequest.Is(httpContext) && RelayContent.IsActive(proxyResponse.Content.Headers.ContentType?.MediaType))
        {
            await RelayContent.RefuseAsync(httpContext, proxyResponse.Content.Headers.ContentType!.MediaType!);
            return false;
        }

        var copy = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        httpContext.Response.Headers.Remove("Set-Cookie");
        return copy;
    }
}
