using System.Globalization;
using System.Net;
using System.Text;
using AnimeProgress.Core.Notifications;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// Webhook, Slack and Discord: one POST of the channel's JSON. The generic webhook is signed (Standard Webhooks:
/// <c>webhook-id</c> = the message's idempotency key, <c>webhook-timestamp</c>, <c>webhook-signature</c>). At most
/// <c>MaxAnswerBytes</c> of the answer are read; redirects are not followed (a redirect is a failure: it could point
/// anywhere, an internal address included).
/// </summary>
public sealed class HttpChannelSender(IHttpClientFactory clients, JobLinks links, IOptions<NotificationOptions> options, TimeProvider time) : IChannelSender
{
    public const string ClientName = "notifications";

    public bool Handles(ChannelType type) => type is ChannelType.Webhook or ChannelType.Slack or ChannelType.Discord;

    public async Task<SendResult> SendAsync(ChannelOptions channel, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var type = channel.ParsedType;
        var body = type switch
        {
            ChannelType.Slack => ChatPayloads.Slack(message, links),
            ChannelType.Discord => ChatPayloads.Discord(message, links),
            _ => WebhookPayload.Build(message, links),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (type == ChannelType.Webhook && WebhookSecret.TryDecode(channel.Secret, out var key))
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add("webhook-id", message.MessageId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(key, message.MessageId, timestamp, body));
        }

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var answer = await ReadCappedAsync(response.Content, options.Value.MaxAnswerBytes, cancellationToken);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => SendResult.Delivered(status, answer),
                408 or 425 or 429 or >= 500 => SendResult.Retry(status, answer),
                >= 300 and < 400 => SendResult.Permanent(status, $"redirect to {response.Headers.Location} not followed"),
                _ => SendResult.Permanent(status, answer),
            };
        }
        catch (Exception ex) when (Find<DestinationRefusedException>(ex) is { } refused)
        {
            return SendResult.Permanent(null, refused.Message);
        }
        catch (TimeoutRejectedException)
        {
            return SendResult.Retry(null, $"no answer within {options.Value.AttemptTimeout}");
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Retry(ex.StatusCode is { } code ? (int)code : null, ex.Message);
        }
        catch (Exception ex) when (ex is TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retry(null, ex.Message);
        }
    }

    /// <summary>The start of the answer as text; the rest is never downloaded (a 10 MB answer costs 4 KiB).</summary>
    private static async Task<string> ReadCappedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        if (max == 0)
        {
            return "";
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[max];
        var read = 0;
        int n;
        while (read < max && (n = await stream.ReadAsync(buffer.AsMemory(read, max - read), cancellationToken)) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
