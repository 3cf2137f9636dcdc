namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>The life of a delivery: pending (due at <c>next_attempt_at</c>) until delivered, or dead after the last try.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}
