using System.Globalization;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// <c>eta --traces &lt;dir&gt;</c> replays every trace in the folder (name order, one job per file,
/// earlier jobs feeding the history of later ones) through <see cref="StageAwareEtaModel"/> and
/// scores it against the seed's linear estimate. <c>eta --generate &lt;dir&gt;</c> writes a trace set.
/// </summary>
internal sealed class EtaCommand : IBenchCommand
{
    public string Name => "eta";

    public string Usage => "--traces <dir> [--no-workflow-keys] | --generate <dir> [--jobs N] [--seed S]";

    public Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = ParseOptions(args);
        if (options is null)
        {
            output.WriteLine($"usage: eta {Usage}");
            return Task.FromResult(2);
        }

        if (options.TryGetValue("--generate", out var target))
        {
            return Task.FromResult(Generate(target, options, output));
        }

        return Task.FromResult(options.TryGetValue("--traces", out var traces)
            ? Score(traces, options.ContainsKey("--no-workflow-keys"), output, cancellationToken)
            : Fail(output, $"usage: eta {Usage}"));
    }

    /// <summary>Replays the traces and returns the overall score and one per kind.</summary>
    internal static (EtaScore All, IReadOnlyDictionary<JobKind, EtaScore> ByKind) ScoreTraces(IEnumerable<JobTrace> traces, IEtaModel model, CancellationToken cancellationToken = default)
    {
        var all = new EtaScore();
        var byKind = new SortedDictionary<JobKind, EtaScore>();
        var clock = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var trace in traces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var replay = TraceReplayer.Replay(trace, model, clock);
            clock = clock.AddSeconds(trace.Points[^1].T + 1);
            all.Add(replay);
            (byKind.TryGetValue(trace.Kind, out var score) ? score : byKind[trace.Kind] = new EtaScore()).Add(replay);
        }

        return (all, byKind);
    }

    /// <param name="withoutWorkflowKeys">Hide the workflow from the model, to measure the kind-and-instance fallback.</param>
    private static int Score(string directory, bool withoutWorkflowKeys, TextWriter output, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return Fail(output, $"eta: no such folder: {directory}");
        }

        var files = TraceReader.FilesIn(directory);
        if (files.Count == 0)
        {
            return Fail(output, $"eta: no *.jsonl traces in {directory}");
        }

        List<JobTrace> traces;
        try
        {
            traces = files.Select(TraceReader.ReadFile).ToList();
        }
        catch (TraceFormatException e)
        {
            return Fail(output, $"eta: bad trace line: {e.Message}");
        }

        if (withoutWorkflowKeys)
        {
            traces = traces.Select(t => t with { Workflow = null }).ToList();
        }

        var (all, byKind) = ScoreTraces(traces, new StageAwareEtaModel(), cancellationToken);
        EtaScoreTable.Write(output, all, $"ETA accuracy on {directory}" + (withoutWorkflowKeys ? " (workflow keys hidden)" : string.Empty));
        foreach (var (kind, score) in byKind)
        {
            output.WriteLine();
            EtaScoreTable.Write(output, score, $"{kind} jobs only");
        }

        return 0;
    }

    private static int Generate(string directory, Dictionary<string, string> options, TextWriter output)
    {
        if (!TryInt(options, "--jobs", 320, out var jobs) || jobs < 1 || !TryInt(options, "--seed", 1, out var seed))
        {
            return Fail(output, "eta: --jobs must be a positive integer and --seed an integer");
        }

        var summary = new TraceGenerator(seed).Write(directory, jobs);
        output.WriteLine($"wrote {summary.Jobs} traces to {directory} (seed {seed}): {summary.Failed} fail, {summary.SpeedChanges} change speed mid-run, "
            + $"{summary.Pauses} pause, {summary.ColdStarts} start with cold model caches; queue wait median {summary.MedianQueueWait:F0} s, p90 {summary.P90QueueWait:F0} s");
        foreach (var (key, (count, median)) in summary.Workflows)
        {
            output.WriteLine($"  {key,-18} {count,4} completed, median run {median,6:F1} s");
        }

        return 0;
    }

    private static bool TryInt(Dictionary<string, string> options, string name, int fallback, out int value)
    {
        value = fallback;
        return !options.TryGetValue(name, out var text) || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    private static Dictionary<string, string>? ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-workflow-keys")
            {
                options[args[i]] = string.Empty;
            }
            else if (args[i] is "--traces" or "--generate" or "--jobs" or "--seed" && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                return null;
            }
        }

        return options.ContainsKey("--traces") ^ options.ContainsKey("--generate") ? options : null;
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
