using System.Text.RegularExpressions;
using AnimeProgress.Bench.HistoryScale;
using AnimeProgress.TestSupport.Postgres;

namespace AnimeProgress.Bench.Tests.HistoryScale;

/// <summary>The <c>history-scale</c> command in its short mode (a few thousand jobs) on the shared PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class HistoryScaleCommandTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_short_run_seeds_times_every_filter_before_and_after_explains_and_thins_the_history()
    {
        using var output = new StringWriter();

        var exit = await new HistoryScaleCommand().RunAsync(
            ["--jobs", "3000", "--sampled-days", "30", "--sampled-jobs", "400", "--runs", "2", "--postgres", postgres.Cluster.ServerConnectionString],
            output, Ct);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("seeded 3,000 jobs", text, StringComparison.Ordinal);
        // One row per query and filter: three queries for each of seven filters, then deep pages and the instance list.
        var rows = TableRow().Matches(text);
        Assert.Equal(3 * 7 + 6, rows.Count);
        foreach (var filter in new[] { "none", "instance", "workflow", "kind", "submitter", "status", "finished in one week" })
        {
            Assert.Contains(rows, r => r.Groups["filter"].Value.StartsWith(filter, StringComparison.Ordinal));
        }

        // The plans are PostgreSQL's own: the after phase reads the new indexes.
        Assert.Contains("-- plan after:", text, StringComparison.Ordinal);
        Assert.Contains("ix_production_jobs_submitted_by_finished", text, StringComparison.Ordinal);
        // Retention thinned the aged jobs' samples and a second pass found nothing more.
        var retention = Retention().Match(text);
        Assert.True(retention.Success, text);
        Assert.True(int.Parse(retention.Groups["thinned"].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The clock runs on between the passes: at most a job that just crossed the full-detail age is thinned again.
        Assert.InRange(int.Parse(retention.Groups["again"].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 1);
    }

    [Theory]
    [InlineData("--jobs", "10")]
    [InlineData("--runs", "0")]
    [InlineData("--nonsense", "1")]
    public async Task Bad_options_exit_with_2_and_the_usage(string option, string value)
    {
        using var output = new StringWriter();

        Assert.Equal(2, await new HistoryScaleCommand().RunAsync([option, value], output, Ct));
        Assert.Contains("usage: history-scale", output.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\| (?<query>[^|]+) \| (?<filter>[^|]+) \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"retention \(.*first pass [\d.]+ s \([\d,]+ jobs thinned, (?<thinned>[\d,]+) samples removed.*next pass \d+ ms \((?<again>\d+) jobs")]
    private static partial Regex Retention();
}
