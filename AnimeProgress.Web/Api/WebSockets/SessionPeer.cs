namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>Who a session talks to, as its log lines name it.</summary>
internal readonly record struct SessionPeer(long Id, string? RemoteAddress);
