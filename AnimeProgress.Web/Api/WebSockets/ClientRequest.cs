namespace AnimeProgress.Web.Api.WebSockets;

public enum ClientRequestKind
{
    Ping,
    Subscribe,
    Unsubscribe,
}

/// <summary>A client message the server understood; <see cref="JobId"/> is set for (un)subscribe.</summary>
public readonly record struct ClientRequest(ClientRequestKind Kind, long JobId = 0);
