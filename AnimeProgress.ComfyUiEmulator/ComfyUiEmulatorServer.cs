using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using AnimeProgress.ComfyUiEmulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.ComfyUiEmulator;

/// <summary>
/// A ComfyUI-protocol server (HTTP + WebSocket on Kestrel) that simulates jobs. Used standalone,
/// by the web app's demo mode and by tests. Each start is a fresh process as far as clients can
/// tell: queue, history and cache start empty.
/// </summary>
public sealed class ComfyUiEmulatorServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long peers get to answer our close frame before their sockets are aborted.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;
    private readonly EmulatorEngine _engine;
    private readonly CancellationTokenSource _workerStop = new();
    private readonly CancellationTokenSource _socketAbort;
    private readonly Task _worker;
    private int _stopped;

    private ComfyUiEmulatorServer(WebApplication app, EmulatorEngine engine, CancellationTokenSource socketAbort, Uri baseUrl, int port)
    {
        _app = app;
        _engine = engine;
        _socketAbort = socketAbort;
        BaseUrl = baseUrl;
        Port = port;
        _worker = Task.Run(() => engine.Worker.RunAsync(_workerStop.Token));
    }

    /// <summary>e.g. http://127.0.0.1:43125/</summary>
    public Uri BaseUrl { get; }

    public int Port { get; }

    /// <summary>When this server (this start) first answered GET /queue, or null.</summary>
    public DateTimeOffset? FirstQueueAnsweredAt => _engine.FirstQueueAnsweredAt;

    /// <summary>How many times POST /prompt accepted this prompt id (this start): 1 for a job dispatched exactly once.</summary>
    public int TimesQueued(string promptId) => _engine.TimesQueued(promptId);

    /// <summary>
    /// What <c>GET /history</c> answers, read in process: also after <see cref="StopAsync"/>, when the worker has stopped
    /// and nothing can end any more, so a benchmark that kills this machine counts exactly what it ran before it died.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject History() => _engine.History.Query(null, -1);

    /// <summary>
    /// How many requests this start answered on one route, by method and route pattern as mapped at the root or under
    /// /api: <c>RequestsTo("POST", "/api/jobs/{job_id}/cancel")</c>, <c>RequestsTo("POST", "/interrupt")</c>.
    /// </summary>
    public int RequestsTo(string method, string routePattern) => _engine.Requests.Of(method, routePattern);

    /// <summary>Requests this start refused with 403 for carrying <c>Sec-Fetch-Site: cross-site</c> (newer servers only).</summary>
    public int CrossSiteRefusals => _engine.Requests.CrossSiteRefusals;

    /// <summary>
    /// A network partition, for tests: while <paramref name="unreachable"/> every connection is cut and every request
    /// is dropped unanswered, but the machine keeps its queue and keeps rendering (unlike <see cref="StopAsync"/>,
    /// which is a restart that loses the queue).
    /// </summary>
    public void SetUnreachable(bool unreachable)
    {
        _engine.Unreachable = unreachable;
        if (unreachable)
        {
            _engine.Connections.AbortAll();
        }
    }

    /// <summary>
    /// Sends <paramref name="payload"/> unchanged to every connected client, as a custom node can: for tests of hostile
    /// frames (a duplicate key, broken JSON, an unknown binary type).
    /// </summary>
    public void BroadcastRawFrame(byte[] payload, bool binary = false) =>
        _engine.Connections.BroadcastRaw(payload, binary ? System.Net.WebSockets.WebSocketMessageType.Binary : System.Net.WebSockets.WebSocketMessageType.Text);

    public static Task<ComfyUiEmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, configureLogging: null, cancellationToken);

    /// <summary>Standalone runs log to the console; in-process hosts stay quiet.</summary>
    internal static async Task<ComfyUiEmulatorServer> StartAsync(EmulatorOptions options, Action<ILoggingBuilder>? configureLogging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TimeScale);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ViewImageBytes);
        if (options.ViewImageBytes > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.ViewImageBytes, Imaging.OutputImage.MinimumPaddedBytes, nameof(options.ViewImageBytes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ViewImageBytes, int.MaxValue, nameof(options.ViewImageBytes));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxUploadSizeBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.UploadStoreLimitBytes);
        if (!Enum.IsDefined(options.ServerVersion))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ServerVersion, "ServerVersion must be Release0364 or Newer.");
        }
        var address = ParseHost(options.Host);

        // A private copy: the engine reports the bound port in /system_stats argv.
        var own = new EmulatorOptions
        {
            Host = options.Host,
            Port = options.Port,
            TimeScale = options.TimeScale,
            DeviceName = options.DeviceName,
            VramTotalBytes = options.VramTotalBytes,
            AbsentModels = [.. options.AbsentModels],
            ViewImageBytes = options.ViewImageBytes,
            MaxUploadSizeBytes = options.MaxUploadSizeBytes,
            UploadStoreLimitBytes = options.UploadStoreLimitBytes,
            ServerVersion = options.ServerVersion,
            ProgressActivity = options.ProgressActivity,
        };
        var engine = new EmulatorEngine(own);

        // The empty builder reads no appsettings or environment, so a host app's Kestrel settings cannot leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ComfyUiEmulatorServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);

        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        app.Use(async (context, next) =>
        {
            if (engine.Unreachable)
            {
                context.Abort();
                return;
            }

            await next(context);
            engine.Requests.Count(context);
        });
        if (engine.IsNewer)
        {
            app.UseCrossSiteGuard(engine.Requests);
        }
        // No keep-alive frames: ComfyUI's aiohttp sockets send none either.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.MapComfyUi(engine, stopping.Token);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            stopping.Dispose();
            await app.DisposeAsync();
            engine.Dispose();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        own.Port = port;
        var visibleHost = address.Equals(IPAddress.Any) ? "127.0.0.1"
            : address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();
        var baseUrl = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{visibleHost}:{port}/"));
        return new ComfyUiEmulatorServer(app, engine, stopping, baseUrl, port);
    }

    /// <summary>
    /// Stops like a restarting ComfyUI: the running job is dropped, every socket gets a close
    /// frame (or is aborted if the peer does not answer), Kestrel releases the port.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        await _workerStop.CancelAsync();
        await _worker;
        var connections = _engine.Connections.CloseAll();
        foreach (var connection in connections)
        {
            connection.RequestClose(WebSocketCloseStatus.EndpointUnavailable);
        }
        await Task.WhenAny(Task.WhenAll(connections.Select(c => c.Finished)), Task.Delay(CloseHandshakeTimeout, cancellationToken));
        await _socketAbort.CancelAsync();
        await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _engine.Dispose();
        _workerStop.Dispose();
        _socketAbort.Dispose();
    }

    private static IPAddress ParseHost(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" or "0.0.0.0" or "" => IPAddress.Any,
        "::" or "[::]" => IPAddress.IPv6Any,
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
        _ => throw new ArgumentException($"Host must be an IP address, \"localhost\" or \"*\", not \"{host}\".", nameof(host)),
    };
}
