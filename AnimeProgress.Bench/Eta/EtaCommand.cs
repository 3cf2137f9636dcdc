using System.Globalization;
using AnimeProgress.Bench.Eta.Families;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Bench.Eta;

/// <summary>
/// <c>eta --families</c> generates every trace family (<see cref="TraceFamilies"/>) for each seed and
/// scores the engine against the seed's linear estimate per family, kind and checkpoint, with the
/// range's coverage and width (and, with <c>--restart</c>, the restart replay).
/// <c>eta --traces &lt;dir&gt;</c> replays every trace in the folder (name order, one job per file,
/// earlier jobs feeding the history of later ones), or every subfolder as a family.
/// <c>eta --generate &lt;dir&gt;</c> writes a trace set.
/// </summary>
internal sealed class EtaCommand : IBenchCommand
{
    /// <summary>The seeds the families are reported on; the engine's constants were tuned on <see cref="CalibrationSeeds"/>.</summary>
    public static readonly int[] EvaluationSeeds = [101, 102, 103];

    public static readonly int[] CalibrationSeeds = [1, 2, 3];

    private const int DefaultFamilyJobs = 300;

    private static readonly string[] Flags = ["--no-workflow-keys", "--families", "--restart"];
    private static readonly string[] Valued = ["--traces", "--generate", "--jobs", "--seed", "--seeds", "--family", "--json"];
    private static readonly string[] Modes = ["--traces", "--generate", "--families"];

    public string Name => "eta";

    public string Usage => "--families [--seeds 101,102,103] [--jobs N] [--family NAME[,NAME]] [--restart] [--json FILE]"
        + " | --traces <dir> [--no-workflow-keys] [--json FILE] | --generate <dir> [--jobs N] [--seed S] [--family NAME|all]";

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

        if (options.ContainsKey("--families"))
        {
            return Task.FromResult(ScoreFamilies(options, output, cancellationToken));
        }

        return Task.FromResult(Score(options["--traces"], options, output, cancellationToken));
    }

    /// <summary>Replays the traces and returns the overall score and one per kind.</summary>
    internal static (EtaScore All, IReadOnlyDictionary<JobKind, EtaScore> ByKind) ScoreTraces(IEnumerable<JobTrace> traces, IEtaModel model, CancellationToken cancellationToken = default)
    {
        var all = new EtaScore();
        var byKind = new SortedDictionary<JobKind, EtaScore>();
        TraceReplayer.ReplayAll(traces, model, replay =>
        {
            all.Add(replay);
            (byKind.TryGetValue(replay.Kind, out var score) ? score : byKind[replay.Kind] = new EtaScore()).Add(replay);
        }, cancellationToken: cancellationToken);
        return (all, byKind);
    }

    private static int ScoreFamilies(Dictionary<string, string> options, TextWriter output, CancellationToken cancellationToken)
    {
        if (!TryInt(options, "--jobs", DefaultFamilyJobs, out var jobs) || jobs < 4)
        {
            return Fail(output, "eta: --jobs must be an integer of 4 or more");
        }

        if (!TrySeeds(options, out var seeds))
        {
            return Fail(output, "eta: --seeds must be integers separated by commas");
        }

        if (!TryFamilies(options, allowAll: false, out var families))
        {
            return Fail(output, $"eta: unknown family; the families are {string.Join(", ", TraceFamilies.All.Select(f => f.Name))}");
        }

        var scores = families.Select(f => EtaSuite.Score(f, seeds, jobs, cancellationToken)).ToList();
        var seedList = string.Join(", ", seeds);
        var calibration = seeds.Intersect(CalibrationSeeds).Any() ? " (includes calibration seeds)" : string.Empty;
        FamilyTable.Write(output, scores, $"ETA accuracy by trace family: seeds {seedList}{calibration}, {jobs} jobs per family and seed, each set replayed through a fresh model");
        List<RestartResult>? restarts = null;
        if (options.ContainsKey("--restart"))
        {
            restarts = families.Select(f => RestartReplay.Run(f, seeds[0], jobs, cancellationToken)).ToList();
            output.WriteLine();
            RestartTable.Write(output, restarts);
        }

        if (options.TryGetValue("--json", out var json))
        {
            SuiteJson.Write(json, seeds, jobs, scores, restarts);
            output.WriteLine();
            output.WriteLine($"wrote {json}");
        }

        return 0;
    }

    private static int Score(string directory, Dictionary<string, string> options, TextWriter output, CancellationToken cancellationToken)
    {
        var withoutWorkflowKeys = options.ContainsKey("--no-workflow-keys");
        if (!Directory.Exists(directory))
        {
            return Fail(output, $"eta: no such folder: {directory}");
        }

        var files = TraceReader.FilesIn(directory);
        var sets = files.Count > 0
            ? [(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), files)]
            : Directory.GetDirectories(directory).Order(StringComparer.Ordinal)
                .Select(d => (Name: Path.GetFileName(d), Files: TraceReader.FilesIn(d))).Where(s => s.Files.Count > 0).ToList();
        if (sets.Count == 0)
        {
            return Fail(output, $"eta: no *.jsonl traces in {directory} or its subfolders");
        }

        var families = new List<FamilyScore>();
        foreach (var (name, setFiles) in sets)
        {
            List<JobTrace> traces;
            try
            {
                traces = setFiles.Select(TraceReader.ReadFile).ToList();
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
            var label = sets.Count == 1 ? directory : Path.Combine(directory, name);
            EtaScoreTable.Write(output, all, $"ETA accuracy on {label}" + (withoutWorkflowKeys ? " (workflow keys hidden)" : string.Empty));
            foreach (var (kind, score) in byKind)
            {
                output.WriteLine();
                EtaScoreTable.Write(output, score, $"{kind} jobs only");
            }

            output.WriteLine();
            families.Add(EtaSuite.Score(name, traces, new StageAwareEtaModel(), cancellationToken));
        }

        FamilyTable.Write(output, families, $"By {(sets.Count == 1 ? "kind" : "folder and kind")}, with the engine's range");
        if (options.TryGetValue("--json", out var json))
        {
            SuiteJson.Write(json, [], null, families, null);
            output.WriteLine();
            output.WriteLine($"wrote {json}");
        }

        return 0;
    }

    private static int Generate(string directory, Dictionary<string, string> options, TextWriter output)
    {
        if (!TryInt(options, "--jobs", 320, out var jobs) || jobs < 1 || !TryInt(options, "--seed", 1, out var seed))
        {
            return Fail(output, "eta: --jobs must be a positive integer and --seed an integer");
        }

        if (options.ContainsKey("--family"))
        {
            if (!TryFamilies(options, allowAll: true, out var families))
            {
                return Fail(output, $"eta: unknown family; the families are {string.Join(", ", TraceFamilies.All.Select(f => f.Name))}, or all");
            }

            foreach (var family in families)
            {
                var folder = families.Count == 1 && options["--family"] != "all" ? directory : Path.Combine(directory, family.Name);
                Directory.CreateDirectory(folder);
                var traces = family.Generate(seed, jobs);
                foreach (var trace in traces)
                {
                    File.WriteAllText(Path.Combine(folder, trace.Name), trace.Text);
                }

                output.WriteLine($"wrote {traces.Count} {family.Name} traces to {folder} (seed {seed}): {family.Description}");
            }

            return 0;
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

    private static bool TryFamilies(Dictionary<string, string> options, bool allowAll, out IReadOnlyList<TraceFamily> families)
    {
        families = TraceFamilies.All;
        if (!options.TryGetValue("--family", out var names) || (allowAll && names == "all"))
        {
            return true;
        }

        var picked = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(TraceFamilies.Find).ToList();
        if (picked.Count == 0 || picked.Any(f => f is null))
        {
            return false;
        }

        families = picked.Select(f => f!).ToList();
        return true;
    }

    private static bool TrySeeds(Dictionary<string, string> options, out IReadOnlyList<int> seeds)
    {
        seeds = EvaluationSeeds;
        if (!options.TryGetValue("--seeds", out var text))
        {
            return true;
        }

        var parsed = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            {
                return false;
            }

            parsed.Add(seed);
        }

        seeds = parsed;
        return parsed.Count > 0;
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
            if (Flags.Contains(args[i]))
            {
                options[args[i]] = string.Empty;
            }
            else if (Valued.Contains(args[i]) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                return null;
            }
        }

        var modes = Modes.Count(options.ContainsKey);
        return modes == 1 ? options : null;
    }

    private static int Fail(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 2;
    }
}
