using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AnimeProgress.Core.Tracking;

/// <summary>
/// One shared instance per distinct parsed graph. A batch queues the same pipeline thousands of times with only
/// seeds and prompt text changed, which the parsed graph does not keep: without sharing, every job held its own
/// copy of the same nodes, names and sets (most of a queued job's memory). Keyed by a hash of the parsed content
/// (every node's id, class, links and steps, the nodes to run, the frame count), so two jobs share a graph only
/// when progress would treat them identically. Bounded: when full it starts over; jobs keep the graphs they hold.
/// </summary>
internal static class WorkflowGraphCache
{
    /// <summary>More distinct pipelines than a studio runs at once; a graph costs a few KiB.</summary>
    public const int MaxGraphs = 2_048;

    private static readonly ConcurrentDictionary<UInt128, WorkflowGraph> Graphs = new();

    public static int Count => Graphs.Count;

    /// <summary>The cached graph with this content, or this one, now cached.</summary>
    public static WorkflowGraph Share(WorkflowGraph graph)
    {
        if (graph.Nodes.Count == 0)
        {
            return WorkflowGraph.Empty;
        }

        var key = KeyOf(graph);
        if (Graphs.TryGetValue(key, out var shared))
        {
            return shared;
        }

        if (Graphs.Count >= MaxGraphs)
        {
            Graphs.Clear();
        }

        return Graphs.GetOrAdd(key, graph);
    }

    private static UInt128 KeyOf(WorkflowGraph graph)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            // BinaryWriter prefixes every string with its length, so no two different graphs write the same bytes.
            writer.Write(graph.FrameCount ?? -1);
            writer.Write(graph.Nodes.Count);
            foreach (var (id, node) in graph.Nodes)
            {
                writer.Write(id);
                writer.Write(node.ClassType);
                writer.Write(node.Steps ?? -1);
                writer.Write(node.Inputs.Count);
                foreach (var input in node.Inputs)
                {
                    writer.Write(input);
                }

                writer.Write(graph.NodesToRun.Contains(id));
            }
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
