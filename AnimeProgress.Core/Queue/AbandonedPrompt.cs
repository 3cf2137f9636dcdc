using System.Text.Json;

namespace AnimeProgress.Core.Queue;

/// <summary>
/// A prompt the fleet queue took back from an instance that stayed offline while it was pending (issue 16 item 7): the
/// job was sent elsewhere under a new prompt id, so this one must be deleted from that instance's ComfyUI queue when it
/// is reachable again, before anything else goes there. Kept as a row of <c>app_settings</c>
/// (<see cref="KeyPrefix"/> + prompt id), so a restart or a new leader still knows it.
/// </summary>
public sealed record AbandonedPrompt(long JobId, string Instance, string PromptId)
{
    public const string KeyPrefix = "queue.abandoned:";

    public string Key => KeyPrefix + PromptId;

    public string Value => JsonSerializer.Serialize(new Stored(JobId, Instance));

    /// <summary>Null for a row that is not one (or that cannot be read: then it is left as it is, never acted on).</summary>
    public static AbandonedPrompt? FromSetting(string key, string value)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Stored>(value) is { Instance: { Length: > 0 } instance } stored
                ? new AbandonedPrompt(stored.JobId, instance, key[KeyPrefix.Length..])
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Stored(long JobId, string Instance);
}
