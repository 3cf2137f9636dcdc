using AnimeProgress.Bench.Eta;
using AnimeProgress.Bench.Eta.Families;

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
    public async Task The_families_are_scored_per_kind_and_checkpoint_and_written_as_json()
    {
        var json = Path.Combine(_folder, "eta.json");

        var (code, output) = await Run("--families", "--family", "by-time,failures", "--seeds", "5,6", "--jobs", "16", "--restart", "--json", json);

        Assert.Equal(0, code);
        Assert.Contains("| family | percent | kind | scored | failed | 10% | 25% | 50% | 75% |", output, StringComparison.Ordinal);
        Assert.Contains("| by-time | by time | image |", output, StringComparison.Ordinal);
        Assert.Contains("| failures | node weights | video |", output, StringComparison.Ordinal);
        Assert.Contains("engine ≤ linear:", output, StringComparison.Ordinal);
        Assert.Contains("coverage within 75%–85%:", output, StringComparison.Ordinal);
        Assert.Contains("Restart replay", output, StringComparison.Ordinal);

        using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.Equal([5, 6], root.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("p10-p90", root.GetProperty("range").GetString());
        var families = root.GetProperty("families").EnumerateArray().ToList();
        Assert.Equal(["by-time", "failures"], families.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("by_time", families[0].GetProperty("percent").GetString());
        foreach (var kind in families.SelectMany(f => f.GetProperty("kinds").EnumerateArray()))
        {
            var cells = kind.GetProperty("checkpoints").EnumerateArray().ToList();
            Assert.Equal([0.1, 0.25, 0.5, 0.75], cells.Select(c => c.GetProperty("fraction").GetDouble()));
            Assert.All(cells, c => Assert.InRange(c.GetProperty("coverage").GetDouble(), 0, 1));
            Assert.All(cells, c => Assert.True(c.GetProperty("engine_median_error").GetDouble() >= 0));
        }

        Assert.Equal(2, root.GetProperty("restart").GetArrayLength());
        Assert.All(root.GetProperty("restart").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("different_predictions").GetInt32()));
    }

    [Fact]
    public async Task A_folder_of_family_folders_is_scored_per_folder()
    {
        var (generated, _) = await Run("--generate", _folder, "--family", "all", "--jobs", "6", "--seed", "2");
        Assert.Equal(0, generated);
        Assert.Equal(TraceFamilies.All.Select(f => f.Name).Order(StringComparer.Ordinal), Directory.GetDirectories(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var (code, output) = await Run("--traces", _folder);

        Assert.Equal(0, code);
        Assert.Contains("| long-tail | ? |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_family_is_refused()
    {
        var (code, output) = await Run("--families", "--family", "sideways");

        Assert.Equal((2, true), (code, output.Contains("unknown family", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_folder_is_reported()
    {
        var (code, output) = await Run("--traces", _folder);

        Assert.Equal((2, true), (code, output.Contains("no such folder", StringComparison.Ordinal)));
    }
}
