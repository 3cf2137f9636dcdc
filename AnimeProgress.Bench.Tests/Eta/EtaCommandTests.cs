using AnimeProgress.Bench.Eta;

namespace AnimeProgress.Bench.Tests.Eta;

public sealed class EtaCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eta-traces-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> Run(params string[] args)
    {
        using var output = new StringWriter();
        var code = await new EtaCommand().RunAsync(args, output, TestContext.Current.CancellationToken);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_generated_trace_set_is_replayed_and_scored_against_the_linear_estimate()
    {
        var (generated, summary) = await Run("--generate", _folder, "--jobs", "24", "--seed", "7");
        Assert.Equal(0, generated);
        Assert.Contains("wrote 24 traces", summary, StringComparison.Ordinal);
        Assert.Equal(24, TraceReader.FilesIn(_folder).Count);

        var (code, table) = await Run("--traces", _folder);

        Assert.Equal(0, code);
        Assert.Contains("| estimate | 10% | 25% | 50% | 75% | 90% | within ±20% |", table, StringComparison.Ordinal);
        Assert.Contains("| engine (StageAwareEtaModel) |", table, StringComparison.Ordinal);
        Assert.Contains("| linear (elapsed / percent) |", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_generator_writes_the_same_traces_for_the_same_seed()
    {
        await Run("--generate", Path.Combine(_folder, "a"), "--jobs", "10", "--seed", "3");
        await Run("--generate", Path.Combine(_folder, "b"), "--jobs", "10", "--seed", "3");

        var a = TraceReader.FilesIn(Path.Combine(_folder, "a")).Select(File.ReadAllText);
        var b = TraceReader.FilesIn(Path.Combine(_folder, "b")).Select(File.ReadAllText);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Generated_traces_are_readable_and_failed_jobs_have_no_completed_line()
    {
        await Run("--generate", _folder, "--jobs", "120", "--seed", "11");

        var traces = TraceReader.FilesIn(_folder).Select(TraceReader.ReadFile).ToList();

        Assert.Contains(traces, t => t.Failed);
        Assert.All(traces.Where(t => t.Failed), t => Assert.Null(t.Finish));
        Assert.All(traces.Where(t => !t.Failed), t => Assert.NotNull(t.Finish));
        Assert.Contains(traces, t => t.Kind == AnimeProgress.Core.Jobs.JobKind.Video);
        Assert.Contains(traces, t => t.RunStart > 0);
    }

    [Fact]
    public async Task A_bad_trace_line_stops_the_run_with_the_file_and_line_and_exit_code_2()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "job-0001.jsonl"), """
            {"t": 0, "percent": 0, "stage": "Initializing", "status": "running"}
            {"t": 4, "percent": 100, "stage": "Completed", "status": "completed"}
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "job-0002.jsonl"), """
            {"job": {"kind": "image"}}
            {"t": 0, "percent": 0, "stage": "Initializing", "status": "running"}
            {"t": 2, "percent": 12, "stage": "Rendering" "status": "running"}
            """, TestContext.Current.CancellationToken);

        var (code, output) = await Run("--traces", _folder);

        Assert.Equal(2, code);
        Assert.Contains("job-0002.jsonl:3: not valid JSON", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData()]
    [InlineData("--traces")]
    [InlineData("--traces", "a", "--generate", "b")]
    [InlineData("--generate", "a", "--jobs", "many")]
    [InlineData("--colour", "blue")]
    public async Task Bad_arguments_give_the_usage_and_exit_code_2(params string[] args)
    {
        var (code, output) = await Run(args);

        Assert.Equal(2, code);
        Assert.Contains("eta", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_folder_is_reported()
    {
        var (code, output) = await Run("--traces", _folder);

        Assert.Equal((2, true), (code, output.Contains("no such folder", StringComparison.Ordinal)));
    }
}
