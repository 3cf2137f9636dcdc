using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.History;

/// <summary>One stretch of a job in one stage; <see cref="End"/> is null while the stage still runs.</summary>
public sealed record StageSpan(string Stage, DateTimeOffset Start, DateTimeOffset? End)
{
    public TimeSpan Duration(DateTimeOffset now) => (End ?? now) - Start;
}

/// <summary>Turns samples into the stage timeline: a span starts at each stage change.</summary>
public static class StageSpans
{
    /// <summary>The outcome "stages" mark an end, not work: they get no span of their own.</summary>
    public static bool IsOutcome(string stage) =>
        StageExtensions.TryParse(stage, out var s) && s is Stage.Completed or Stage.Failed or Stage.Cancelled;

    /// <param name="samples">In time order.</param>
    /// <param name="finishedAt">When the job ended, closing the last span; null while it runs.</param>
    public static IReadOnlyList<StageSpan> From(IReadOnlyList<ProgressSample> samples, DateTimeOffset? finishedAt)
    {
        var spans = new List<StageSpan>();
        string? current = null;
        DateTimeOffset start = default;
        foreach (var sample in samples)
        {
            if (string.Equals(sample.Stage, current, StringComparison.Ordinal))
            {
                continue;
            }

            if (current is not null)
            {
                spans.Add(new StageSpan(current, start, sample.At));
            }

            current = sample.Stage;
            start = sample.At;
        }

        if (current is not null && !IsOutcome(current))
        {
            spans.Add(new StageSpan(current, start, finishedAt is { } end && end >= start ? end : null));
        }

        return spans;
    }
}
