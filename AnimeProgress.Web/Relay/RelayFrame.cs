using System.Net.WebSockets;

namespace AnimeProgress.Web.Relay;

/// <summary>One WebSocket message on its way to a relayed client: ComfyUI's own bytes, shared by every client it goes to.</summary>
public readonly record struct RelayFrame(WebSocketMessageType Type, ReadOnlyMemory<byte> Bytes);
