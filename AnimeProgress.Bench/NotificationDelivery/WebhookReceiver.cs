using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>
/// The studio's webhook receiver: a Kestrel app on loopback that notes when each request arrived, checks its
/// Standard Webhooks signature the way docs/notifications.md tells a receiver to, and answers 200 — at once (healthy)
/// or after <c>delay</c>, at most <c>concurrency</c> requests at a time (slow).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly byte[] _key;
    private readonly TimeSpan _delay;
    private readonly SemaphoreSlim? _turns;

    private WebhookReceiver(WebApplication app, Uri url, string secret, TimeSpan delay, int concurrency)
    {
        _app = app;
        Url = url;
        _key = Convert.FromBase64String(secret["whsec_".Length..]);
        _delay = delay;
        _turns = concurrency > 0 ? new SemaphoreSlim(concurrency) : null;
    }

    public Uri Url { get; }

    /// <summary>Requests answered so far (a slow receiver's waiting ones are not in yet).</summary>
    public IReadOnlyCollection<ReceivedRequest> Requests => _requests;

    /// <summary>A fresh signing secret, as an operator generates one (<c>whsec_</c> + 32 random bytes).</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<WebhookReceiver> StartAsync(string secret, TimeSpan delay, int concurrency, CancellationToken cancellationToken)
    {
        var port = ListenLatency.WebAppProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/hook"), secret, delay, concurrency);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var id = context.Request.Headers["webhook-id"].ToString();
        var signed = Verify(id, context.Request.Headers["webhook-timestamp"].ToString(), body, context.Request.Headers["webhook-signature"].ToString());
        if (_turns is not null)
        {
            await _turns.WaitAsync(context.RequestAborted);
        }

        try
        {
            if (_delay > TimeSpan.Zero)
            {
                await Task.Delay(_delay, context.RequestAborted);
            }
        }
        finally
        {
            _turns?.Release();
        }

        _requests.Enqueue(new ReceivedRequest(id, arrived, DateTimeOffset.UtcNow, signed, WebhookBody.Events(body)));
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>docs/notifications.md, "Verifying a webhook": HMAC-SHA256 over id.timestamp.body, compared in constant time.</summary>
    private bool Verify(string id, string timestamp, string body, string signatures)
    {
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"))));
        return signatures.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        _turns?.Dispose();
    }
}

/// <summary>One webhook request: when it arrived, when it was answered, whether its signature held, the events it carried.</summary>
internal sealed record ReceivedRequest(string MessageId, DateTimeOffset Arrived, DateTimeOffset Answered, bool Signed, IReadOnlyList<ReceivedEvent> Events);

/// <summary>One event of a request: its id and the moment it happened (<c>occurred_at</c>).</summary>
internal readonly record struct ReceivedEvent(string Id, string Type, DateTimeOffset OccurredAt);
