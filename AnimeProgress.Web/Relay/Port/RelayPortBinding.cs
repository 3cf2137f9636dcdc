namespace AnimeProgress.Web.Relay.Port;

/// <summary>
/// The port the relay's own server listens on, once it does (<see cref="RelayPortServer"/>). The dashboard's origin
/// rules read it: loopback origins are trusted on any port, but not on this one, where ComfyUI's frontend and its custom
/// nodes' scripts run (Hosting/Edge/PublicOrigins).
/// </summary>
public sealed class RelayPortBinding
{
    private int _port;

    /// <summary>The bound port, or 0 while the relay port is not listening (or not configured).</summary>
    public int Port
    {
        get => Volatile.Read(ref _port);
        set => Volatile.Write(ref _port, value);
    }
}
