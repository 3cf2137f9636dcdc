using System.Globalization;
using System.Text.RegularExpressions;
using AnimeProgress.Bench.RelayLoad;

namespace AnimeProgress.Bench.Tests.RelayLoad;

/// <summary>
/// The <c>relay</c> benchmark in a tiny configuration: every frame a direct socket gets also reaches every relayed one,
/// in order, and the report has its fields. No timing is asserted (the numbers belong in docs/benchmarks.md).
/// </summary>
public sealed partial class RelayLoadCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"^phase (\d): (\d+) relayed client\(s\), (\d+) frames each .*; frames missing or out of order: (\d+);", RegexOptions.Multiline)]
    private static partial Regex PhaseLine();

    [Fact]
    public async Task A_short_run_relays_every_frame_in_order_to_every_client_and_reports_latency_memory_and_view_throughput()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        var code = await new RelayLoadCommand().RunAsync(
            ["--clients", "3", "--jobs", "2", "--steps", "4", "--view-mb", "1", "--view-rounds", "1"], output, Ct);

        var report = output.ToString();
        Assert.True(code == 0, report);
        var phases = PhaseLine().Matches(report);
        Assert.Equal(2, phases.Count);
        Assert.Equal(["1", "3"], phases.Select(p => p.Groups[2].Value));
        Assert.All(phases, p => Assert.True(int.Parse(p.Groups[3].Value, CultureInfo.InvariantCulture) > 20, report));
        Assert.All(phases, p => Assert.Equal("0", p.Groups[4].Value));
        Assert.Contains("KiB per relayed client", report, StringComparison.Ordinal);
        Assert.Matches(@"/view of a 1 MB image, 1 alternating rounds: direct median \d+ MB/s, relayed median \d+ MB/s", report);
    }
}
