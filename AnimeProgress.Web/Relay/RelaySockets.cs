using System.Collections.Concurrent;
using System.Net.WebSockets;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// Hands each relayed client exactly what ComfyUI would have sent it (reference §3), from the frames AnimeProgress's
/// own socket receives (every relayed prompt runs under AnimeProgress's client id, so all of its messages come here):
/// <list type="bullet">
/// <item>broadcasts (<c>status</c> queue changes, binary text, messages of prompts posted without a client id) to every client;</item>
/// <item>a relayed prompt's messages to the client that sent it, previews as type 1 unless it asked for metadata;</item>
/// <item>AnimeProgress's own prompts' messages and replies meant for AnimeProgress's socket to nobody.</item>
/// </list>
/// One frame's bytes are copied once and shared; each client has its own bounded outbox (<see cref="RelayClient"/>).
/// </summary>
public sealed partial class RelaySockets(RelayedPrompts prompts, Fleet.FleetPrompts fleetPrompts, ProgressHub hub) : IFrameTap
{
    private readonly ConcurrentDictionary<string, InstanceRelay> _instances = new(StringComparer.Ordinal);

    /// <summary>Greets the client as ComfyUI would (status with its sid; the running node if its prompt runs) and starts routing to it.</summary>
    public void Attach(string instance, RelayClient client)
    {
        var relay = For(instance);
        client.Send(RelayMessages.Greeting(relay.QueueRemaining, client.ClientId));
        if (relay.Running is { Fleet: false, LastNode: { } node } running && running.ClientId == client.ClientId)
        {
            client.Send(RelayMessages.ExecutingReplay(node));
        }

        // A second socket with the same client id takes over its messages; the old one stays open but gets nothing more.
        relay.Clients[client.ClientId] = client;
    }

    /// <summary>Stops routing to the client, unless another socket has taken its client id since.</summary>
    public void Detach(string instance, RelayClient client) =>
        For(instance).Clients.TryRemove(new KeyValuePair<string, RelayClient>(client.ClientId, client));

    public string? FeaturesJson(string instance) => For(instance).FeaturesJson;

    public void RememberFeatures(string instance, string json) => For(instance).FeaturesJson = json;

    void IFrameTap.Connected(string instance) => For(instance).FeaturesJson = null;

    /// <summary>ComfyUI went away: its clients are closed as a server going away closes them (1001), and reconnect.</summary>
    void IFrameTap.Disconnected(string instance)
    {
        var relay = For(instance);
        relay.Running = null;
        foreach (var client in relay.Clients.Values)
        {
            relay.Clients.TryRemove(new KeyValuePair<string, RelayClient>(client.ClientId, client));
            client.Close(WebSocketCloseStatus.EndpointUnavailable, $"ComfyUI instance {instance} went away");
        }
    }

    void IFrameTap.Frame(string instance, WebSocketMessageType type, ReadOnlySpan<byte> payload, ComfyUiEvent parsed)
    {
        var relay = For(instance);
        switch (parsed)
        {
            case StatusEvent status:
                relay.QueueRemaining = status.QueueRemaining;
                // With a sid it is the greeting of AnimeProgress's own socket, not a queue change.
                if (status.Sid is null)
                {
                    Broadcast(relay, type, payload);
                    FleetQueueChanged();
                }

                break;
            case IgnoredEvent { Type: "feature_flags" or "logs" }:
                // Answers to AnimeProgress's socket alone.
                break;
            case IgnoredEvent:
                // Binary text frames go to every socket; a message type newer than this code is passed on likewise.
                Broadcast(relay, type, payload);
                break;
            case ExecutingEvent { PromptId: null }:
                // The replay AnimeProgress's socket gets when it reconnects.
                break;
            case PreviewEvent { PromptId: null }:
                // Type 1 reaches AnimeProgress only for prompts posted without a client id: a broadcast.
                Broadcast(relay, type, payload);
                break;
            default:
                Route(instance, relay, type, payload, parsed);
                break;
        }
    }

    private void Route(string instance, InstanceRelay relay, WebSocketMessageType type, ReadOnlySpan<byte> payload, ComfyUiEvent parsed)
    {
        var promptId = PromptIdOf(parsed);
        if (promptId is null)
        {
            return;
        }

        if ((prompts.Find(instance, promptId) ?? AdoptFleetPrompt(instance, promptId)) is { } relayed)
        {
            Follow(relay, relayed, parsed);
            Deliver(relay, relayed, type, payload, parsed);
            return;
        }

        if (!IsOwn(relay, promptId, parsed))
        {
            Broadcast(relay, type, payload);
        }
    }

    private void Follow(InstanceRelay relay, RelayedPrompt relayed, ComfyUiEvent parsed)
    {
        switch (parsed)
        {
            case ExecutionStartEvent:
                relay.Running = relayed;
                break;
            case ExecutingEvent { Node: { } node }:
                relayed.LastNode = node;
                relay.Running = relayed;
                break;
            case ExecutedEvent executed when relayed.Fleet:
                fleetPrompts.RememberOutputs(relayed.Instance, executed.Output);
                break;
            case ExecutingEvent:
                prompts.Ended(relayed);
                if (ReferenceEquals(relay.Running, relayed))
                {
                    relay.Running = null;
                }

                break;
        }
    }

    private void Deliver(InstanceRelay instanceRelay, RelayedPrompt relayed, WebSocketMessageType type, ReadOnlySpan<byte> payload, ComfyUiEvent parsed)
    {
        // A fleet prompt's client listens on the fleet relay, whichever instance runs it.
        var relay = relayed.Fleet ? _fleet : instanceRelay;
        if (relayed.ClientId is null)
        {
            // Posted without a client id: ComfyUI broadcasts progress, previews (as type 1) and an interrupt, and tells
            // nobody of the rest (reference §3).
            switch (parsed)
            {
                case PreviewEvent preview:
                    relayed.HeldPreview = RelayMessages.PlainPreview(preview.MediaType, preview.Image.Span);
                    break;
                case ProgressEvent or ProgressStateEvent or ExecutionInterruptedEvent:
                    var frame = new RelayFrame(type, payload.ToArray());
                    SendInOrder(relayed, parsed, frame, relay.Clients.Values);
                    break;
            }

            return;
        }

        if (!relay.Clients.TryGetValue(relayed.ClientId, out var owner))
        {
            // ComfyUI drops what it sends to a client id with no socket.
            relayed.HeldPreview = null;
            return;
        }

        if (parsed is PreviewEvent image && !owner.WantsPreviewMetadata)
        {
            relayed.HeldPreview = RelayMessages.PlainPreview(image.MediaType, image.Image.Span);
            return;
        }

        SendInOrder(relayed, parsed, new RelayFrame(type, payload.ToArray()), [owner]);
    }

    /// <summary>
    /// Sends a frame, and a held plain preview where ComfyUI would have put it: right after the <c>progress</c> message
    /// it came with (or, should anything else come first, before that).
    /// </summary>
    private static void SendInOrder(RelayedPrompt relayed, ComfyUiEvent parsed, RelayFrame frame, IEnumerable<RelayClient> clients)
    {
        var held = relayed.HeldPreview;
        relayed.HeldPreview = null;
        var heldFirst = held is not null && parsed is not ProgressEvent;
        foreach (var client in clients)
        {
            if (heldFirst)
            {
                client.Send(held!.Value);
            }

            client.Send(frame);
            if (held is { } after && !heldFirst)
            {
                client.Send(after);
            }
        }
    }

    /// <summary>
    /// Whether a prompt that was not relayed is AnimeProgress's own. Messages only the submitter receives prove it; for
    /// the rest (progress, previews, an interrupt, also broadcast for prompts without a client id) the hub knows the
    /// prompts AnimeProgress submitted.
    /// </summary>
    private bool IsOwn(InstanceRelay relay, string promptId, ComfyUiEvent parsed)
    {
        if (relay.IsOwn(promptId) is { } known)
        {
            return known;
        }

        var own = parsed is ExecutionStartEvent or ExecutionCachedEvent or ExecutingEvent or ExecutedEvent or ExecutionSuccessEvent
            || hub.Jobs.Any(j => j.PromptId == promptId && j.Source == JobSource.AnimeProgress);
        relay.Remember(promptId, own);
        return own;
    }

    private static void Broadcast(InstanceRelay relay, WebSocketMessageType type, ReadOnlySpan<byte> payload)
    {
        if (relay.Clients.IsEmpty)
        {
            return;
        }

        var frame = new RelayFrame(type, payload.ToArray());
        foreach (var client in relay.Clients.Values)
        {
            client.Send(frame);
        }
    }

    private static string? PromptIdOf(ComfyUiEvent parsed) => parsed switch
    {
        ExecutionStartEvent e => e.PromptId,
        ExecutionCachedEvent e => e.PromptId,
        ExecutingEvent e => e.PromptId,
        ProgressEvent e => e.PromptId,
        ProgressStateEvent e => e.PromptId,
        ExecutedEvent e => e.PromptId,
        ExecutionSuccessEvent e => e.PromptId,
        ExecutionErrorEvent e => e.PromptId,
        ExecutionInterruptedEvent e => e.PromptId,
        PreviewEvent e => e.PromptId,
        _ => null,
    };

    private InstanceRelay For(string instance) => _instances.GetOrAdd(instance, _ => new InstanceRelay());
}
