namespace AnimeProgress.Core.Queue;

/// <summary>
/// Something the dispatcher did to a job on its own, with nobody asking: an operator must be able to find it afterwards
/// (the web app writes it to the audit log). <paramref name="Detail"/> is the sentence that says what happened.
/// </summary>
public sealed record DispatchIncident(DispatchIncidentKind Kind, long JobId, string Instance, string PromptId, string Detail);
