using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// A real HTTP receiver for the notification tests: Kestrel on a loopback port, recording every request (headers and
/// body) and answering as the test says (a status, a delay, a huge body, a redirect).
/// </summary>
internal sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hook");

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Answers each request; the default is 200 "ok".</summary>
    public Func<Received, HttpContext, Task> Respond { get; set; } = (_, context) => context.Response.WriteAsync("ok");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<HttpReceiver> StartAsync(int? port = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var chosen = port ?? FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{chosen}");
        var app = builder.Build();
        var receiver = new HttpReceiver(app, chosen);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var received = new Received(
                context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                await reader.ReadToEndAsync(context.RequestAborted));
            receiver.Requests.Enqueue(received);
            await receiver.Respond(received, context);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
    }
}
