namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>A channel's host resolved only to addresses <c>AnimeProgress:Notifications:AllowedDestinations</c> does not allow.</summary>
public sealed class DestinationRefusedException : Exception
{
    public DestinationRefusedException()
    {
    }

    public DestinationRefusedException(string message)
        : base(message)
    {
    }

    public DestinationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static DestinationRefusedException For(string host, IEnumerable<System.Net.IPAddress> addresses) =>
        new($"Destination {host} ({string.Join(", ", addresses)}) is on an internal network; name it in AnimeProgress:Notifications:AllowedDestinations to allow it.");
}
