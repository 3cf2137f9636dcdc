namespace AnimeProgress.Web.Relay;

/// <summary><c>AnimeProgress:Relay</c>: the ComfyUI-compatible relay at <c>/comfyui/{instance}/</c> (issue 17, docs/relay.md).</summary>
public sealed class RelayOptions
{
    public const string Section = "AnimeProgress:Relay";

    /// <summary>What may wait for one relayed WebSocket client before it is closed for not reading (1008).</summary>
    public long ClientBufferBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The largest <c>POST /prompt</c> body the relay reads (the graph and the frontend's embedded workflow).</summary>
    public long MaxPromptBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The largest request body the relay streams on (uploads); ComfyUI's own default limit is 100 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// A port of the relay's own (Relay/Port): there it serves ComfyUI's frontend too, on an origin apart from the
    /// dashboard's sign-in. Unset: the relay answers on the dashboard's address only. 0 takes any free port (tests).
    /// </summary>
    public int? Port { get; set; }
}
