using System.Text.Json.Nodes;

namespace AnimeProgress.Core.ComfyUi.Messages;

/// <summary>A message from a ComfyUI server's WebSocket, typed. Node ids are always strings.</summary>
public abstract record ComfyUiEvent;

/// <summary><c>status</c>: the queue changed; <paramref name="QueueRemaining"/> = pending + running.</summary>
public sealed record StatusEvent(int QueueRemaining, string? Sid) : ComfyUiEvent;

public sealed record ExecutionStartEvent(string PromptId, DateTimeOffset? Timestamp) : ComfyUiEvent;

public sealed record ExecutionCachedEvent(string PromptId, IReadOnlyList<string> Nodes) : ComfyUiEvent;

/// <summary><c>executing</c>; <paramref name="Node"/> null means the prompt ended. The prompt id is absent on a reconnect replay.</summary>
public sealed record ExecutingEvent(string? PromptId, string? Node) : ComfyUiEvent;

public sealed record ProgressEvent(string? PromptId, string? Node, double Value, double Max) : ComfyUiEvent;

/// <param name="Activity">
/// The proposed (unreleased, reference §9) <c>activity</c> of the node, e.g. <c>"loading"</c> while weights move to VRAM;
/// null when the server does not send it or sends something that is not a short string.
/// </param>
public sealed record NodeProgress(string NodeId, double Value, double Max, bool Finished, string? Activity = null);

/// <summary><c>progress_state</c>: cumulative per prompt, so it replaces what came before.</summary>
public sealed record ProgressStateEvent(string PromptId, IReadOnlyList<NodeProgress> Nodes) : ComfyUiEvent;

public sealed record ExecutedEvent(string? PromptId, string Node, JsonObject? Output) : ComfyUiEvent;

public sealed record ExecutionSuccessEvent(string PromptId, DateTimeOffset? Timestamp) : ComfyUiEvent;

public sealed record ExecutionErrorEvent(
    string PromptId,
    string? NodeId,
    string? NodeType,
    string? ExceptionType,
    string? ExceptionMessage,
    DateTimeOffset? Timestamp) : ComfyUiEvent;

public sealed record ExecutionInterruptedEvent(string PromptId, string? NodeId, string? NodeType, DateTimeOffset? Timestamp) : ComfyUiEvent;

/// <summary>A preview image (binary types 1 and 4). Type 1 carries no prompt id.</summary>
public sealed record PreviewEvent(string? PromptId, string? NodeId, string MediaType, ReadOnlyMemory<byte> Image) : ComfyUiEvent;

/// <summary>A well-formed message this client has no use for (feature_flags, logs, binary text, future types).</summary>
public sealed record IgnoredEvent(string Type) : ComfyUiEvent;
