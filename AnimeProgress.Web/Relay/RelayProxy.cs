using AnimeProgress.Core.ComfyUi;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// Every relay route AnimeProgress does not answer itself goes to the instance through YARP's forwarder: request and
/// response bodies stream (an upload or a 20 MB image is never held whole), status codes and bodies pass unchanged.
/// What must not cross is removed (<see cref="RelayTransformer"/>).
/// </summary>
public sealed partial class RelayProxy(IHttpForwarder forwarder, RelayHttp http, IOptions<RelayOptions> options, ILogger<RelayProxy> logger)
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    public async Task ForwardAsync(HttpContext context, ComfyUiInstance instance, string path)
    {
        if (context.Request.ContentLength > options.Value.MaxUploadBytes)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, UploadTooLarge());
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        var error = await forwarder.SendAsync(context, instance.DisplayUrl.GetLeftPart(UriPartial.Authority), http.Invoker, RequestConfig, new RelayTransformer(instance, path));
        if (error == ForwarderError.None)
        {
            return;
        }

        var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        LogForwardFailed(instance.Name, path, error, failure?.Message);
        if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.NoAvailableDestinations)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, RelayErrors.Unreachable(instance.Name));
        }
        else if (error == ForwarderError.RequestBodyClient && context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, UploadTooLarge());
        }
    }

    private string UploadTooLarge() =>
        $"A request through the relay may be at most {options.Value.MaxUploadBytes} bytes ({RelayOptions.Section}:{nameof(RelayOptions.MaxUploadBytes)}).";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay to {Instance} /{Path} failed: {Error} ({Detail})")]
    private partial void LogForwardFailed(string instance, string path, ForwarderError error, string? detail);
}
