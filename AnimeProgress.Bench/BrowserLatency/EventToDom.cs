namespace AnimeProgress.Bench.BrowserLatency;

/// <summary>Pairs each progress message with the first change of its instance's card after it.</summary>
internal static class EventToDom
{
    /// <summary>
    /// A message is shown by the first bar change on its instance's card after it and before that instance's next
    /// message (at most 2 s later); a message with none counts as not shown (coalesced into the next, or no visible change).
    /// </summary>
    public static (List<double> Latencies, int Unseen) Match(IReadOnlyList<ProgressSent> sent, IReadOnlyList<DomChange> changes, IReadOnlyList<string> instances)
    {
        var latencies = new List<double>();
        var unseen = 0;
        foreach (var instance in instances)
        {
            var messages = sent.Where(s => s.Instance == instance).OrderBy(s => s.AtMs).ToList();
            var shown = changes.Where(c => c.Where.Contains(instance, StringComparison.Ordinal)).Select(c => c.AtMs).Order().ToList();
            for (var i = 0; i < messages.Count; i++)
            {
                var from = messages[i].AtMs;
                var until = Math.Min(i + 1 < messages.Count ? messages[i + 1].AtMs : double.MaxValue, from + 2000);
                var first = shown.FindIndex(t => t > from);
                if (first >= 0 && shown[first] <= until)
                {
                    latencies.Add(shown[first] - from);
                }
                else
                {
                    unseen++;
                }
            }
        }

        return (latencies, unseen);
    }

    public static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];
}
