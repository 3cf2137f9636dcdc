using System.Diagnostics;
using AnimeProgress.Bench.ListenLatency;

namespace AnimeProgress.Bench.Tests.ListenLatency;

/// <summary>How the listen benchmark matches writes with /ws frames.</summary>
public sealed class LatencyAnalysisTests
{
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    private static WriteRecord Write(long id, WriteKind kind, double progress, double committedMs, bool measured = true) =>
        new(id, kind, progress, Ms(committedMs - 1), Ms(committedMs), measured);

    private static UpdateFeed.Arrival Frame(long id, double progress, double atMs) => new(id, progress, "processing", Ms(atMs));

    [Fact]
    public void A_write_is_shown_by_its_own_frame_or_by_a_newer_state_and_lost_when_neither_comes()
    {
        WriteRecord[] writes =
        [
            Write(1, WriteKind.Insert, 0, 1000, measured: false),
            Write(1, WriteKind.Update, 5, 1100),
            Write(1, WriteKind.Update, 10, 1110), // coalesced: the next frame already shows 15
            Write(1, WriteKind.Update, 15, 1120),
            Write(2, WriteKind.Update, 5, 1200), // never shown
            Write(3, WriteKind.Complete, 100, 1300),
        ];
        UpdateFeed.Arrival[] frames =
        [
            Frame(1, 0, 1010),
            Frame(1, 5, 1105),
            Frame(1, 15, 1150),
            Frame(2, 0, 1190), // an older state of row 2 does not show the write of 5
            Frame(3, 95, 1290),
            Frame(3, 100, 1340),
        ];

        var analysis = LatencyAnalysis.Of(writes, frames, (id, progress) => id == 3 ? Ms(1302) : null);

        Assert.Equal(5, analysis.Writes);
        Assert.Equal((0, 4, 1), (analysis.Inserts, analysis.Updates, analysis.Completions));
        Assert.Equal(3, analysis.Exact);
        Assert.Equal(1, analysis.Superseded);
        Assert.Equal(1, analysis.Lost);
        Assert.Equal([5, 30, 40, 40], analysis.EndToEnd.Select(v => Math.Round(v)).ToArray());
        Assert.Equal([2], analysis.ToNotify.Select(v => Math.Round(v)).ToArray());
        Assert.Equal([38], analysis.NotifyToFrame.Select(v => Math.Round(v)).ToArray());
        Assert.False(LatencyAnalysis.AllShown(writes, frames));
        Assert.True(LatencyAnalysis.AllShown(writes, [.. frames, Frame(2, 10, 1400)]));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        Assert.Equal(50, LatencyAnalysis.Percentile(sorted, 0.5));
        Assert.Equal(99, LatencyAnalysis.Percentile(sorted, 0.99));
        Assert.Equal(100, LatencyAnalysis.Percentile(sorted, 1));
        Assert.True(double.IsNaN(LatencyAnalysis.Percentile([], 0.5)));
    }
}
