using System.Globalization;
using System.Text;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>jobs check</c>: the state of the jobs in <c>production_jobs</c> as a table. By default every active job and the
/// most recently finished ones; <c>--all</c> lists every job, <c>--test</c> only test jobs. Rows are read through the
/// forgiving <see cref="JobRowMapper"/>, and a value it cannot make sense of is shown as stored, marked with "?".
/// </summary>
internal static class JobsCheck
{
    public const int DefaultLimit = 20;
    private const int MaxActive = 1000;
    private const int TitleWidth = 40;
    private const int ErrorWidth = 60;
    private const string None = "-";

    private static readonly string[] Headers =
        ["ID", "TITLE", "KIND", "STATUS", "STAGE", "PROGRESS", "FRAMES", "RATE %/MIN", "ETA", "INSTANCE", "PROMPT", "UPDATED (UTC)", "ERROR"];

    // Numbers read right-aligned.
    private static readonly bool[] RightAligned = [true, false, false, false, false, true, true, true, true, false, false, false, false];

    public sealed record Settings(bool All, int Limit, bool TestOnly);

    public static async Task<int> RunAsync(Settings settings, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var description = "the configured database";
        try
        {
            return await JobsDatabase.UseAsync(configuration, async contexts =>
            {
                await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
                {
                    description = JobsDatabase.Describe(db);
                }

                var (rows, total) = await ReadAsync(new JobQueries(contexts), settings, cancellationToken);
                await output.WriteLineAsync($"production_jobs in {description}{(settings.TestOnly ? $", test jobs only (titles starting with \"{TestJobs.TitlePrefix}\")" : "")}");
                await output.WriteLineAsync(Format(rows, settings, total));
                return 0;
            });
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await error.WriteLineAsync("jobs check: bad configuration: " + string.Join(" ", ex.Failures));
            return 1;
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            await error.WriteLineAsync($"jobs check: cannot read production_jobs in {description}: {JobsDatabase.Reason(ex)}");
            return 1;
        }
    }

    /// <summary>Active jobs (by id), then finished ones, newest first.</summary>
    private static async Task<(List<ProductionJobRow> Rows, int Total)> ReadAsync(JobQueries queries, Settings settings, CancellationToken cancellationToken)
    {
        var jobs = settings.TestOnly ? new JobFilter { TitlePrefix = TestJobs.TitlePrefix } : JobFilter.None;
        var total = await queries.CountStoredAsync(jobs, cancellationToken);
        List<ProductionJobRow> rows;
        if (settings.All)
        {
            rows = [.. await queries.ReadRowsAsync(jobs, JobSort.Id, descending: false, take: null, cancellationToken)];
        }
        else
        {
            // completed_at narrows the read; the status decides (another program may leave completed_at empty).
            var open = await queries.ReadRowsAsync(jobs with { HasFinishTime = false }, JobSort.Id, descending: false, MaxActive, cancellationToken);
            var finished = await queries.ReadRowsAsync(jobs with { HasFinishTime = true }, JobSort.Finished, descending: true, settings.Limit, cancellationToken);
            rows = [.. open.Concat(finished).DistinctBy(j => j.Id)];
        }

        var active = rows.Where(r => IsActive(r)).OrderBy(r => r.Id);
        var done = rows.Where(r => !IsActive(r)).OrderByDescending(r => r.CompletedAt ?? r.UpdatedAt).ThenByDescending(r => r.Id);
        return ([.. active, .. settings.All ? done : done.Take(settings.Limit)], total);
    }

    private static bool IsActive(ProductionJobRow row) => JobStatusNames.FromWire(row.Status)?.IsActive() == true;

    public static string Format(IReadOnlyList<ProductionJobRow> rows, Settings settings, int total)
    {
        if (rows.Count == 0)
        {
            return total == 0 ? "No jobs." : $"No active jobs; {total} finished (--all lists them).";
        }

        var cells = rows.Select(Cells).ToList();
        var widths = Headers.Select((h, c) => Math.Max(h.Length, cells.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        AppendLine(text, Headers, widths);
        foreach (var row in cells)
        {
            AppendLine(text, row, widths);
        }

        var active = rows.Count(r => IsActive(r));
        text.Append(CultureInfo.InvariantCulture, $"{active} active, {rows.Count - active} finished shown; {total} jobs in the table");
        if (!settings.All && rows.Count < total)
        {
            text.Append(" (--all lists every job)");
        }

        return text.Append('.').ToString();
    }

    private static void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(RightAligned[c] ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static string[] Cells(ProductionJobRow row)
    {
        var job = JobRowMapper.ToSnapshot(row);
        var statusKnown = JobStatusNames.FromWire(row.Status) is not null;
        var stageKnown = string.IsNullOrWhiteSpace(row.CurrentStage) || StageExtensions.TryParse(row.CurrentStage, out _);
        return
        [
            row.Id.ToString(CultureInfo.InvariantCulture),
            Clip(job.Title, TitleWidth),
            StoredJobs.KindWord(job.Kind),
            statusKnown ? job.Status.ToWire() : Clip(row.Status, 16) + "?",
            stageKnown ? job.Stage.DisplayName() : Clip(row.CurrentStage, 16) + "?",
            job.Percent.ToString("0.0", CultureInfo.InvariantCulture) + "%",
            Frames(job),
            job.RatePercentPerMinute is { } rate && double.IsFinite(rate) ? rate.ToString("0.0", CultureInfo.InvariantCulture) : None,
            job.Status.IsActive() && job.EtaSeconds is not null ? JobText.Duration(job.EtaSeconds) : None,
            Text(job.Instance, 24),
            ShortPrompt(job.PromptId),
            job.UpdatedAt == default ? None : job.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            statusKnown ? Text(job.Error, ErrorWidth) : None,
        ];
    }

    private static string Frames(JobSnapshot job) => (job.FramesDone, job.FramesTotal) switch
    {
        (var done, int total) => $"{(job.FramesEstimated ? "~" : "")}{done ?? 0}/{total}",
        (int done, null) => done.ToString(CultureInfo.InvariantCulture),
        _ => None,
    };

    /// <summary>The first 8 characters of a prompt id (a UUID), enough to find it in ComfyUI's queue or history.</summary>
    private static string ShortPrompt(string? promptId)
    {
        var clean = Clip(promptId, 64);
        return clean.Length == 0 ? None : clean[..Math.Min(8, clean.Length)];
    }

    private static string Text(string? value, int width) => string.IsNullOrWhiteSpace(value) ? None : Clip(value, width);

    /// <summary>One line, at most <paramref name="width"/> characters: control characters (a newline in a title) become spaces.</summary>
    private static string Clip(string? value, int width)
    {
        var clean = new string([.. (value ?? "").Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return clean.Length <= width ? clean : clean[..(width - 1)] + "…";
    }
}
