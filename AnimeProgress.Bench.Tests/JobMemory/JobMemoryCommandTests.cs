using AnimeProgress.Bench.JobMemory;

namespace AnimeProgress.Bench.Tests.JobMemory;

/// <summary>Not run in parallel with the other bench tests: the heap is measured, and their allocations would count.</summary>
[CollectionDefinition(nameof(HeapMeasuring), DisableParallelization = true)]
public sealed class HeapMeasuring;

[Collection(nameof(HeapMeasuring))]
public sealed class JobMemoryCommandTests
{
    [Fact]
    public void A_queued_job_the_tracker_follows_keeps_at_most_4_KiB()
    {
        var result = JobMemoryCommand.Measure(jobs: 2_000, loras: 4);

        Assert.Equal(2_000, result.Tracked);
        Assert.InRange(result.BytesPerJob, 1, 4_096);
    }

    [Fact]
    public async Task The_command_prints_one_row_per_run_and_the_median()
    {
        using var output = new StringWriter();

        var code = await new JobMemoryCommand().RunAsync(["--jobs", "300", "--runs", "2"], output, TestContext.Current.CancellationToken);

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("| 1 | 300 |", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | 300 |", text, StringComparison.Ordinal);
        Assert.Contains("| median | 300 |", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_print_the_usage()
    {
        using var output = new StringWriter();

        var code = await new JobMemoryCommand().RunAsync(["--jobs", "none"], output, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.Contains("usage: job-memory", output.ToString(), StringComparison.Ordinal);
    }
}
