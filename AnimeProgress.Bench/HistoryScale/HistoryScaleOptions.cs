using System.Globalization;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>The <c>history-scale</c> command's options.</summary>
internal sealed record HistoryScaleOptions
{
    public int Jobs { get; init; } = 1_000_000;

    /// <summary>Jobs finished within this many days of the end get progress samples.</summary>
    public int SampledDays { get; init; } = 30;

    /// <summary>At most this many of them (the newest).</summary>
    public int SampledJobs { get; init; } = 100_000;

    /// <summary>Timed runs of each query (after two warm-up runs).</summary>
    public int Runs { get; init; } = 40;

    public int Seed { get; init; } = 15;

    /// <summary>A PostgreSQL server to create the database on; null starts a throwaway one from the local binaries.</summary>
    public string? Postgres { get; init; }

    /// <summary>Print EXPLAIN (ANALYZE) of the main queries in both phases.</summary>
    public bool Plans { get; init; } = true;

    public static HistoryScaleOptions? Parse(IReadOnlyList<string> args, out string error)
    {
        var inv = CultureInfo.InvariantCulture;
        var options = new HistoryScaleOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : "";
            HistoryScaleOptions? next = args[i] switch
            {
                "--jobs" => int.TryParse(value, inv, out var v) && v >= 1_000 ? options with { Jobs = v } : null,
                "--sampled-days" => int.TryParse(value, inv, out var v) && v is > 0 and <= 365 ? options with { SampledDays = v } : null,
                "--sampled-jobs" => int.TryParse(value, inv, out var v) && v >= 0 ? options with { SampledJobs = v } : null,
                "--runs" => int.TryParse(value, inv, out var v) && v >= 1 ? options with { Runs = v } : null,
                "--seed" => int.TryParse(value, inv, out var v) ? options with { Seed = v } : null,
                "--postgres" when value.Length > 0 => options with { Postgres = value },
                "--plans" => bool.TryParse(value, out var v) ? options with { Plans = v } : null,
                _ => null,
            };
            if (next is null)
            {
                error = $"bad option {args[i]} {value}".TrimEnd();
                return null;
            }

            options = next;
        }

        error = "";
        return options;
    }
}
