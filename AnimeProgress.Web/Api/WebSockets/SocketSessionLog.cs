namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>What a /ws session logs about a client it closes or drops.</summary>
internal static partial class SocketSessionLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} sent a message over {Limit} bytes; closed with 1009")]
    public static partial void LogMessageTooBig(this ILogger logger, long connectionId, string? remoteAddress, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} sent more than {Rate} messages per second (burst {Burst}); closed with 1008")]
    public static partial void LogFlood(this ILogger logger, long connectionId, string? remoteAddress, double rate, int burst);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ConnectionId} from {RemoteAddress} took no data for {SendTimeout}; dropped")]
    public static partial void LogStalledClientDropped(this ILogger logger, long connectionId, string? remoteAddress, TimeSpan sendTimeout);
}
