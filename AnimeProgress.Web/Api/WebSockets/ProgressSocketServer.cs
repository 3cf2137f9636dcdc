using System.Collections.Concurrent;
using System.Net.WebSockets;
using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Api.Access;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// The /ws endpoint: checks a request before the upgrade (the access token is checked earlier, by
/// <see cref="ApiGuardMiddleware"/>), accepts it, and runs its session. Keeps the open sessions so
/// they can be counted and closed politely (1001) when the app stops.
/// </summary>
public sealed partial class ProgressSocketServer
{
    private readonly ConcurrentDictionary<long, ProgressSocketSession> _sessions = new();
    private readonly ProgressHub _hub;
    private readonly JobQueries _catalog;
    private readonly SnapshotFrameCache _frames;
    private readonly OriginPolicy _origins;
    private readonly ApiOptions _options;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly OpenSessions _openSessions;
    private readonly ILogger<ProgressSocketServer> _logger;
    private long _nextId;
    private int _count;

    public ProgressSocketServer(
        ProgressHub hub,
        JobQueries catalog,
        SnapshotFrameCache frames,
        OriginPolicy origins,
        IOptions<ApiOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        OpenSessions openSessions,
        ILogger<ProgressSocketServer> logger)
    {
        _openSessions = openSessions;
        _hub = hub;
        _catalog = catalog;
        _frames = frames;
        _origins = origins;
        _options = options.Value;
        _time = time;
        _lifetime = lifetime;
        _logger = logger;
        // Stopping comes before Kestrel drains connections: clients get a 1001 close instead of a reset.
        lifetime.ApplicationStopping.Register(static s => ((ProgressSocketServer)s!).CloseAll(), this);
    }

    /// <summary>Open /ws connections.</summary>
    public int Connections => Volatile.Read(ref _count);

    public async Task HandleAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress?.ToString();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                "GET /ws with a WebSocket upgrade (ws:// or wss://); see docs/api.md for the protocol.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "This endpoint speaks WebSocket").ExecuteAsync(context);
            return;
        }

        if (!_origins.IsAllowed(context.Request))
        {
            var origin = context.Request.Headers.Origin.ToString();
            LogOriginRefused(origin, remote);
            await TypedResults.Problem(
                $"{AnimeProgress.Web.Hosting.Edge.OriginRefusal.Sentence(origin)} (A page of another site: {ApiOptions.Section}:AllowedOrigins.)",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Origin not allowed").ExecuteAsync(context);
            return;
        }

        if (Interlocked.Increment(ref _count) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _count);
            LogTooManyConnections(_options.MaxConnections, remote);
            await TypedResults.Problem(
                $"At most {_options.MaxConnections} WebSocket clients ({ApiOptions.Section}:MaxConnections); retry later.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many connections").ExecuteAsync(context);
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                // Only when the client offers permessage-deflate (browsers do); frames carry no secrets, so compressing them leaks none.
                DangerousEnableCompression = _options.Compression,
                ServerMaxWindowBits = _options.CompressionWindowBits,
                KeepAliveInterval = _options.KeepAliveInterval,
                KeepAliveTimeout = _options.KeepAliveTimeout,
            });
            var id = Interlocked.Increment(ref _nextId);
            using var session = new ProgressSocketSession(id, remote, socket, _hub, _catalog, _frames, _options, _time, _logger);
            _sessions[id] = session;
            // The key (or account) it came with is followed by the session sweep: revoked, expired or locked, it is closed with 1008.
            using var followed = _openSessions.Register(SessionCredentials.Of(context.User), new PolicyClose(session));
            LogConnected(id, remote);
            try
            {
                if (_lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    session.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down");
                }

                await session.RunAsync(context.RequestAborted);
            }
            finally
            {
                _sessions.TryRemove(id, out _);
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var close = socket.CloseStatus?.ToString() ?? socket.State.ToString();
                    LogDisconnected(id, remote, session.FramesSent, close);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Clients connected now (accepted sockets; the metrics read it).</summary>
    public int Connected => _sessions.Count;

    private sealed class PolicyClose(ProgressSocketSession session) : ISessionEnd
    {
        public void End(string reason) => session.RequestClose(WebSocketCloseStatus.PolicyViolation, reason);
    }

    private void CloseAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket refused: origin {Origin} from {RemoteAddress} is not allowed")]
    private partial void LogOriginRefused(string origin, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket refused: {MaxConnections} clients already connected; {RemoteAddress} turned away")]
    private partial void LogTooManyConnections(int maxConnections, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client {ConnectionId} connected from {RemoteAddress}")]
    private partial void LogConnected(long connectionId, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client {ConnectionId} from {RemoteAddress} left after {FramesSent} frames ({Close})")]
    private partial void LogDisconnected(long connectionId, string? remoteAddress, long framesSent, string close);
}
