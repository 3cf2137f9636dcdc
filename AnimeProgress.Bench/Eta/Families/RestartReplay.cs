using System.Text;
using System.Text.Json;
using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Bench.Eta.Families;

/// <summary>
/// The restart replay: one model replays the first half of a family's set; its history is
/// exported, written as JSON and read back, and loaded into a fresh model (a restarted app); both
/// models then replay the second half. The restarted model should predict what the continuous
/// one does.
/// </summary>
internal static class RestartReplay
{
    public static RestartResult Run(TraceFamily family, int seed, int jobs, CancellationToken cancellationToken = default)
    {
        var traces = family.Generate(seed, jobs).Select(t => t.Read()).ToList();
        var half = traces.Count / 2;
        var continuousModel = new StageAwareEtaModel();
        var clock = TraceReplayer.ReplayAll(traces[..half], continuousModel, _ => { }, cancellationToken: cancellationToken);

        var json = JsonSerializer.Serialize(continuousModel.History.Export());
        var snapshot = JsonSerializer.Deserialize<RunHistorySnapshot>(json) ?? RunHistorySnapshot.Empty;
        var history = new RunHistory();
        history.Import(snapshot);
        var restartedModel = new StageAwareEtaModel(history);

        var continuous = new FamilyScore(family.Name, family.Percent, family.Description);
        var restarted = new FamilyScore(family.Name, family.Percent, family.Description);
        var continuousJobs = new List<JobReplay>();
        var restartedJobs = new List<JobReplay>();
        TraceReplayer.ReplayAll(traces[half..], continuousModel, r => { continuous.Add(r); continuousJobs.Add(r); }, clock, cancellationToken);
        TraceReplayer.ReplayAll(traces[half..], restartedModel, r => { restarted.Add(r); restartedJobs.Add(r); }, clock, cancellationToken);

        int predictions = 0, different = 0;
        var largest = 0.0;
        foreach (var (a, b) in continuousJobs.Zip(restartedJobs))
        {
            foreach (var (p, q) in a.Predictions.Zip(b.Predictions))
            {
                predictions++;
                var difference = p.Engine is { } x && q.Engine is { } y ? Math.Abs(x - y) : p.Engine is null && q.Engine is null ? 0 : double.PositiveInfinity;
                different += difference > 0.5 ? 1 : 0;
                largest = Math.Max(largest, difference);
            }
        }

        return new RestartResult(family.Name, seed, half, traces.Count - half, snapshot.Runs.Count, Encoding.UTF8.GetByteCount(json),
            continuous, restarted, predictions, different, largest);
    }
}
