namespace AnimeProgress.Web.Relay;

/// <summary>
/// A prompt a client sent through the relay: AnimeProgress submitted it under its own client id, and the relay hands its
/// messages to <see cref="ClientId"/> as ComfyUI would have (null: the client sent none, so ComfyUI would have broadcast
/// its progress and told nobody of its start or end).
/// </summary>
public sealed record RelayedPrompt(string Instance, string PromptId, string? ClientId, long JobId, string? Owner)
{
    /// <summary>Sent through the fleet relay: its messages go to the fleet relay's client, not to that instance's relay clients.</summary>
    public bool Fleet { get; init; }

    /// <summary>The last node <c>executing</c> named, for the replay a reconnecting client gets (reference §2).</summary>
    public string? LastNode { get; set; }

    /// <summary>
    /// A preview converted to type 1, held until the <c>progress</c> message that follows it: ComfyUI sends a preview
    /// with metadata before that message and a plain one after it. Touched only by the instance's socket reader.
    /// </summary>
    public RelayFrame? HeldPreview { get; set; }

    /// <summary>When the relay took it.</summary>
    public DateTimeOffset AddedAt { get; set; }

    /// <summary>Set when its last message (<c>executing</c> with node null) went by, or its submission failed.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}
