using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The one HTTP client the relay talks to instances with: no cookies, no redirects followed, no decompression (bodies
/// pass through as ComfyUI wrote them), no retries (a POST must never be sent twice), and no trace headers added.
/// </summary>
public sealed class RelayHttp : IDisposable
{
    public RelayHttp()
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ActivityHeadersPropagator = null,
        });
    }

    /// <summary>How long a POST the relay makes itself may wait for ComfyUI's answer (it answers in milliseconds).</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    public HttpMessageInvoker Invoker { get; }

    /// <summary>An instance address may carry <c>user:pass@</c> (a ComfyUI behind a password); HttpClient does not send it by itself.</summary>
    public static AuthenticationHeaderValue? BasicAuthOf(ComfyUiInstance instance) =>
        instance.BaseUrl.UserInfo is { Length: > 0 } userInfo
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(userInfo))))
            : null;

    /// <summary>
    /// Posts a body the relay has read (a prompt, an action) and copies ComfyUI's answer back unchanged: status,
    /// content type, body. Returns the status, also when the client left before the body was copied; 502 with a
    /// sentence when the instance did not answer. Pass <see cref="CancellationToken.None"/> where the outcome must be
    /// known whatever the client does (a submission the tracker already holds).
    /// </summary>
    public async Task<int> PostAsync(HttpContext context, ComfyUiInstance instance, string path, byte[] body, CancellationToken cancellationToken)
    {
        var target = RelayRoute.Target(instance.DisplayUrl, path, null) ?? throw new InvalidOperationException("A relay path that leaves its instance reached a POST.");
        using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Authorization = BasicAuthOf(instance);
        // A ComfyUI that takes the connection and never answers must not hold the request (and a tracked job) forever.
        using var answerWithin = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answerWithin.CancelAfter(AnswerTimeout);
        HttpResponseMessage response;
        try
        {
            response = await Invoker.SendAsync(message, answerWithin.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await RelayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, RelayErrors.Unreachable(instance.Name));
            return StatusCodes.Status502BadGateway;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception ex) when ((ex is IOException or OperationCanceledException) && context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; what ComfyUI did (the status) still counts.
            }

            return (int)response.StatusCode;
        }
    }

    public void Dispose() => Invoker.Dispose();
}
