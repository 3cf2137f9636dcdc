using System.Security.Claims;

namespace AnimeProgress.Web.Queue;

/// <summary>Who takes a queue action, and from where: the request's or the circuit's user, and the client address for the audit log.</summary>
public sealed record QueueActor(ClaimsPrincipal User, string? ClientAddress);
