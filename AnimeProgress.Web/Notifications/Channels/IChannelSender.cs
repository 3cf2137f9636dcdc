using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>Delivers a message over one kind of channel; never throws for the receiver's failures (they are a <see cref="SendResult"/>).</summary>
public interface IChannelSender
{
    bool Handles(ChannelType type);

    Task<SendResult> SendAsync(ChannelOptions channel, OutgoingMessage message, CancellationToken cancellationToken);
}
