namespace AnimeProgress.Web.Relay.Fleet;

/// <summary>
/// A prompt a client sent to the fleet relay: it waits in the fleet queue as job <see cref="JobId"/> and runs, on
/// whichever instance it is dispatched to, under <see cref="PromptId"/>; its messages go to <see cref="ClientId"/> on
/// the fleet relay's socket.
/// </summary>
public sealed record FleetPrompt(string PromptId, string? ClientId, string? Owner)
{
    /// <summary>Its job in the fleet queue; 0 for the moment between taking the prompt id and storing the job.</summary>
    public long JobId { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}
