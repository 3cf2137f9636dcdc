using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Devices;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;
using AnimeProgress.ComfyUiEmulator.Simulation;
using AnimeProgress.ComfyUiEmulator.WebSockets;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>The outcome of one prompt, as /history records it.</summary>
internal sealed record RunResult(bool Success, JsonArray Messages, JsonObject Outputs, JsonObject Meta);

/// <summary>
/// Executes one prompt and emits the lifecycle of reference §4: execution_start,
/// execution_cached, then per node progress_state(running) → executing → [progress_state,
/// preview, progress]* → executed → progress_state(finished), then success, error or interrupted.
/// </summary>
internal sealed class PromptRun(
    KnownNodes nodes,
    JobMessenger messenger,
    OutputCache cache,
    InterruptSignal interrupt,
    VramMeter vram,
    OutputFiles files,
    SimulatedTime time,
    bool progressActivity = false)
{
    public async Task<RunResult> ExecuteAsync(QueueItem item, CancellationToken cancellationToken)
    {
        interrupt.Clear();
        messenger.ClientId = item.ClientId;
        var promptId = item.PromptId;
        var messages = new JsonArray();

        // ComfyUI's add_message: recorded for /history always, sent per the routing rules.
        void AddMessage(string type, JsonObject data, bool broadcast)
        {
            data["timestamp"] = PyJson.NowMilliseconds();
            messages.Add(new JsonArray(type, data.DeepClone()));
            if (broadcast)
            {
                messenger.ToSubmitterOrEveryone(type, data);
            }
            else
            {
                messenger.ToSubmitter(type, data);
            }
        }

        AddMessage("execution_start", new JsonObject { ["prompt_id"] = promptId }, broadcast: false);
        var graph = PromptGraph.From(item.Prompt);
        var keys = cache.BeginPrompt(graph, nodes);
        var cached = graph.Nodes.Where(n => cache.Find(keys[n.Id]) is not null).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        AddMessage("execution_cached", new JsonObject
        {
            ["nodes"] = PyJson.Strings(graph.Nodes.Select(n => n.Id).Where(cached.Contains)),
            ["prompt_id"] = promptId,
        }, broadcast: false);

        var state = new RunState(graph, keys, new ProgressStates(promptId), FailureInjection.From(item.ExtraData), promptId);
        foreach (var id in cached)
        {
            state.Shapes[id] = cache.Find(keys[id])!.Shape;
        }
        var plan = ExecutionPlanner.Plan(graph, item.Outputs, cached.Contains, id => nodes.Find(graph.Find(id)?.ClassType)?.IsOutputNode == true);
        vram.BeginJob(cached.Sum(id => cache.Find(keys[id])!.ModelBytes));
        var success = true;
        string? current = null;
        try
        {
            foreach (var id in plan)
            {
                current = id;
                if (cached.Contains(id))
                {
                    ReplayCached(state, id);
                }
                else
                {
                    await RunNodeAsync(state, id, cancellationToken);
                    state.Executed.Add(id);
                }
            }
            AddMessage("execution_success", new JsonObject { ["prompt_id"] = promptId }, broadcast: false);
        }
        catch (PromptInterruptedException)
        {
            success = false;
            AddMessage("execution_interrupted", new JsonObject
            {
                ["prompt_id"] = promptId,
                ["node_id"] = current,
                ["node_type"] = graph.Find(current!)?.ClassType,
                ["executed"] = PyJson.Strings(state.Executed),
            }, broadcast: true);
        }
        catch (NodeFailedException failure)
        {
            success = false;
            AddMessage("execution_error", ErrorMessage(graph, promptId, current!, state.Executed, failure.Message, "RuntimeError", failure.CurrentInputs), broadcast: false);
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException)
        {
            // A bug in a simulation must not stop the worker: report it as that node's error, as ComfyUI would.
            success = false;
            AddMessage("execution_error", ErrorMessage(graph, promptId, current ?? "", state.Executed, unexpected.Message, unexpected.GetType().FullName ?? "Exception", []), broadcast: false);
        }
        finally
        {
            vram.EndJob();
            messenger.LastNodeId = null;
        }

        // /history lists the UI of every node of this prompt that has one in cache, ran now or before.
        var outputs = new JsonObject();
        var meta = new JsonObject();
        foreach (var node in graph.Nodes)
        {
            if (cache.Find(keys[node.Id])?.Ui is { } ui)
            {
                outputs[node.Id] = ui.DeepClone();
                meta[node.Id] = new JsonObject { ["node_id"] = node.Id, ["display_node"] = node.Id, ["parent_node"] = null, ["real_node_id"] = node.Id };
            }
        }
        return new RunResult(success, messages, outputs, meta);
    }

    private static JsonObject ErrorMessage(PromptGraph graph, string promptId, string nodeId, IEnumerable<string> executed, string message, string exceptionType, JsonObject currentInputs) => new()
    {
        ["prompt_id"] = promptId,
        ["node_id"] = nodeId,
        ["node_type"] = graph.Find(nodeId)?.ClassType,
        ["executed"] = PyJson.Strings(executed),
        // ComfyUI formats "{exception}\n{tips}" and the tips are empty.
        ["exception_message"] = message + "\n",
        ["exception_type"] = exceptionType,
        ["traceback"] = new JsonArray(
            $"  File \"/opt/ComfyUI/execution.py\", line 1, in execute\n    {graph.Find(nodeId)?.ClassType}.run(**inputs)\n",
            "  File \"<emulator>\", line 1, in run\n    raise RuntimeError(fail_message)  # extra_data.emulator.fail_node\n"),
        ["current_inputs"] = currentInputs,
        ["current_outputs"] = PyJson.Strings(graph.Nodes.Select(n => n.Id)),
    };

    /// <summary>A cached output node: its stored UI (or null) and a finished progress_state, no executing.</summary>
    private void ReplayCached(RunState state, string id)
    {
        messenger.ToSubmitter("executed", new JsonObject
        {
            ["node"] = id,
            ["display_node"] = id,
            ["output"] = cache.Find(state.Keys[id])?.Ui?.DeepClone(),
            ["prompt_id"] = state.PromptId,
        });
        state.Progress.Finish(id);
        messenger.ToSubmitterOrEveryone("progress_state", state.Progress.Message());
    }

    private async Task RunNodeAsync(RunState state, string id, CancellationToken cancellationToken)
    {
        var node = state.Graph.Find(id)!;
        var definition = nodes.Find(node.ClassType)!;
        var linked = new Dictionary<string, MediaShape>(StringComparer.Ordinal);
        foreach (var (name, value) in node.Inputs)
        {
            if (NodeLink.TryParse(value, out var link) && state.Shapes.TryGetValue(link.SourceId, out var shape))
            {
                linked[name] = shape;
            }
        }
        // Simulate only describes the work (nothing is emitted), so it can come before the node is announced.
        var work = definition.Simulate(new NodeContext(node, linked));
        state.Progress.Start(id, progressActivity ? Activity(work) : null);
        messenger.ToSubmitterOrEveryone("progress_state", state.Progress.Message());
        if (messenger.ClientId is not null)
        {
            messenger.LastNodeId = id;
            messenger.ToSubmitter("executing", new JsonObject { ["node"] = id, ["display_node"] = id, ["prompt_id"] = state.PromptId });
        }
        // ComfyUI checks the flag once the node is announced, before it does any work.
        interrupt.ThrowIfSet();

        vram.LoadModel(work.ModelBytes);
        vram.SetWorking(work.WorkingBytes);
        var seconds = time.Jitter(work.Seconds);
        var failing = state.Failure?.NodeId == id;

        if (work.ProgressSteps > 0)
        {
            var steps = work.ProgressSteps;
            for (var step = 0; step < steps; step++)
            {
                await time.DelayAsync(seconds / steps, cancellationToken);
                if (failing && step == steps / 2)
                {
                    Fail(state, node, definition);
                }
                // Like ComfyUI's progress hook: the interrupt check comes before the update is reported.
                interrupt.ThrowIfSet();
                var value = work.Style == ProgressStyle.OneBased ? step + 1 : step;
                state.Progress.Update(id, value, steps);
                messenger.Progress(state.PromptId, id, value, steps, state.Progress.Message(), work.Preview, step + 1, steps);
            }
        }
        else
        {
            await time.DelayAsync(seconds / 2, cancellationToken);
            if (failing)
            {
                Fail(state, node, definition);
            }
            await time.DelayAsync(seconds / 2, cancellationToken);
        }
        vram.SetWorking(0);

        state.Shapes[id] = work.Output;
        var ui = work.Ui?.Invoke(files);
        if (ui is not null)
        {
            messenger.ToSubmitter("executed", new JsonObject { ["node"] = id, ["display_node"] = id, ["output"] = ui.DeepClone(), ["prompt_id"] = state.PromptId });
        }
        cache.Store(state.Keys[id], new CachedOutput(work.Output, ui, work.ModelBytes));
        state.Progress.Finish(id);
        messenger.ToSubmitterOrEveryone("progress_state", state.Progress.Message());
    }

    /// <summary>
    /// The proposed activity of a starting node: "loading" for loaders and for samplers until their first step (the
    /// weights moving to VRAM, which is what keeps a sampler at 0 %); nothing for other nodes.
    /// </summary>
    private static string? Activity(NodeWork work) =>
        work.ModelBytes > 0 || work.Preview == PreviewFormat.Jpeg ? "loading" : null;

    private static void Fail(RunState state, PromptNode node, NodeDefinition definition)
    {
        // current_inputs: each declared input present, as a one-element list (ComfyUI maps inputs over lists).
        var inputs = new JsonObject();
        foreach (var (spec, _) in definition.AllInputs)
        {
            if (!node.Inputs.TryGetPropertyValue(spec.Name, out var value))
            {
                continue;
            }
            inputs[spec.Name] = NodeLink.TryParse(value, out var link)
                ? new JsonArray(LinkedValueText.For(spec.Type, link.SourceId))
                : new JsonArray(value?.DeepClone());
        }
        throw new NodeFailedException(state.Failure!.Message, inputs);
    }

    private sealed record RunState(PromptGraph Graph, IReadOnlyDictionary<string, string> Keys, ProgressStates Progress, FailureInjection? Failure, string PromptId)
    {
        public Dictionary<string, MediaShape> Shapes { get; } = new(StringComparer.Ordinal);

        public List<string> Executed { get; } = [];
    }
}
