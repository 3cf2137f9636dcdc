using System.Net.WebSockets;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>What a session's writer sends, in order: a ready frame, a batch of job updates, or the close.</summary>
internal abstract record Outgoing
{
    public sealed record Frame(byte[] Bytes) : Outgoing;

    /// <summary>Filtered by the client's subscriptions when sent, so an unsubscribe takes effect exactly at its place in the stream.</summary>
    public sealed record Updates(IReadOnlyList<JobSnapshot> Jobs) : Outgoing;

    public sealed record Close(WebSocketCloseStatus Status, string Reason) : Outgoing;
}
