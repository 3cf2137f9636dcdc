using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Relay;

/// <summary>
/// The fleet relay's clients (<c>/comfyui/fleet/ws</c>): they get their fleet prompts' messages from whichever instance
/// runs them (routed as for an instance's own relay clients, by <see cref="RelayedPrompt.Fleet"/>), and a fleet-wide
/// <c>status</c>: what waits in the fleet queue plus every instance's <c>queue_remaining</c>. Nothing else: no other
/// client's prompt, no instance's broadcasts.
/// </summary>
public sealed partial class RelaySockets
{
    private readonly InstanceRelay _fleet = new();
    private readonly Lock _fleetStatusGate = new();
    private int _fleetStatusSent = -1;

    /// <summary>Greets a fleet client (status with the fleet's queue and its sid; the running node if one of its prompts runs) and routes to it.</summary>
    public void AttachFleet(RelayClient client)
    {
        client.Send(RelayMessages.Greeting(FleetQueueRemaining(), client.ClientId));
        foreach (var relay in _instances.Values)
        {
            if (relay.Running is { Fleet: true, LastNode: { } node } running && running.ClientId == client.ClientId)
            {
                client.Send(RelayMessages.ExecutingReplay(node));
            }
        }

        _fleet.Clients[client.ClientId] = client;
    }

    public void DetachFleet(RelayClient client) =>
        _fleet.Clients.TryRemove(new KeyValuePair<string, RelayClient>(client.ClientId, client));

    /// <summary>
    /// The fleet's queue changed (an instance's status, a prompt entering the fleet queue): its clients get a
    /// <c>status</c> broadcast when the total differs from the last one sent, as ComfyUI sends one per change.
    /// </summary>
    public void FleetQueueChanged()
    {
        if (_fleet.Clients.IsEmpty)
        {
            return;
        }

        var remaining = FleetQueueRemaining();
        lock (_fleetStatusGate)
        {
            if (remaining == _fleetStatusSent)
            {
                return;
            }

            _fleetStatusSent = remaining;
        }

        var frame = RelayMessages.Status(remaining);
        foreach (var client in _fleet.Clients.Values)
        {
            client.Send(frame);
        }
    }

    /// <summary>Jobs waiting in the fleet queue (shown queued on no instance yet) plus every instance's own count.</summary>
    public int FleetQueueRemaining() =>
        _instances.Values.Sum(r => r.QueueRemaining) + hub.Jobs.Count(j => j.Status == JobStatus.Queued && j.Instance is null);

    /// <summary>
    /// The first message of a fleet prompt on an instance: from now on it is a relayed prompt there, handed to its
    /// client on the fleet relay (and a submit key may act on it there too).
    /// </summary>
    private RelayedPrompt? AdoptFleetPrompt(string instance, string promptId)
    {
        if (fleetPrompts.Find(promptId) is not { } fleet)
        {
            return null;
        }

        var relayed = new RelayedPrompt(instance, promptId, fleet.ClientId, fleet.JobId, fleet.Owner) { Fleet = true };
        return prompts.TryAdd(relayed) ? relayed : prompts.Find(instance, promptId);
    }
}
