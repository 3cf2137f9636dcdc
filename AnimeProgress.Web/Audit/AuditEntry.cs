using AnimeProgress.Core.Persistence.Audit;

namespace AnimeProgress.Web.Audit;

/// <summary>One thing to record: who, what, on what, how it ended, a short note and where from. The time is the log's.</summary>
public sealed record AuditEntry(AuditActor Actor, string Action, string Outcome, string? Target = null, string? Detail = null, string? ClientAddress = null)
{
    public AuditEntryRow ToRow(DateTimeOffset at) => new()
    {
        At = at,
        ActorKind = Actor.Kind,
        ActorId = Actor.Id,
        ActorName = Actor.Name,
        KeyId = Actor.KeyId,
        KeyPrefix = Actor.KeyPrefix,
        // A circuit's action names no address of its own: the principal's request had one.
        ClientAddress = ClientAddress ?? Actor.From,
        Action = Action,
        Target = Target,
        Outcome = Outcome,
        Detail = Detail,
    };
}
