using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>
/// Writes a <see cref="StudioHistory"/> into <c>production_jobs</c> and the recent jobs' samples into
/// <c>progress_history</c> with PostgreSQL's binary COPY (a million rows in seconds, where row-by-row inserts take
/// many minutes). The tables' NOTIFY triggers are off for the copying session only (<c>session_replication_role</c>):
/// no node listens to a benchmark database, and a million notifications would only fill the queue.
/// </summary>
internal static class HistorySeeder
{
    /// <summary>One sample every this many seconds while a job runs: the recorder's default interval.</summary>
    public const int SampleSeconds = 5;

    public readonly record struct Seeded(long Jobs, long Samples, long SampledJobs, TimeSpan JobsTook, TimeSpan SamplesTook);

    /// <param name="sampledDays">Jobs finished within this many days of the end get samples (a month of history).</param>
    /// <param name="maxSampledJobs">At most this many of them, the newest.</param>
    public static async Task<Seeded> SeedAsync(string connectionString, string schema, StudioHistory history, int sampledDays, int maxSampledJobs, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var off = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            await off.ExecuteNonQueryAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        long jobs = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY \"{schema}\".production_jobs (id, title, kind, workflow, workflow_key, status, current_stage, progress, comfyui_job_id, comfyui_instance, "
            + "created_at, started_at, updated_at, completed_at, source, submitted_by, version) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var job in history.Jobs())
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(job.Id, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync($"{(job.Video ? "Ep" : "Key art")} {job.Id % 97:00} cut {job.Id}", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(job.Video ? "video" : "image", NpgsqlDbType.Varchar, cancellationToken);
                // The graph itself: a realistic width for the row (a small API-format workflow).
                await writer.WriteAsync(WorkflowText, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(StudioHistory.WorkflowKey(job.Workflow), NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(job.Status, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(Terminal(job.Status), NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(job.Status == "completed" ? 100.0 : 40.0, NpgsqlDbType.Double, cancellationToken);
                await writer.WriteAsync($"prompt-{job.Id:x12}", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(StudioHistory.InstanceName(job.Instance), NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(job.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(job.StartedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(job.CompletedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(job.CompletedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(job.Submitter is null ? "database" : "animeprogress", NpgsqlDbType.Varchar, cancellationToken);
                if (job.Submitter is { } s)
                {
                    await writer.WriteAsync(StudioHistory.SubmitterName(s), NpgsqlDbType.Varchar, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }

                await writer.WriteAsync(3L, NpgsqlDbType.Bigint, cancellationToken);
                jobs++;
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var jobsTook = clock.Elapsed;
        clock.Restart();
        var since = history.End.AddDays(-sampledDays);
        var sampled = history.Jobs().Where(j => j.CompletedAt >= since).TakeLast(maxSampledJobs).ToList();
        long samples = 0;
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY \"{schema}\".progress_history (job_id, recorded_at, progress, stage, rate) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var job in sampled)
            {
                foreach (var (at, progress, stage) in Samples(job))
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(job.Id, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
                    await writer.WriteAsync(progress, NpgsqlDbType.Double, cancellationToken);
                    await writer.WriteAsync(stage, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(6.0, NpgsqlDbType.Double, cancellationToken);
                    samples++;
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        return new Seeded(jobs, samples, sampled.Count, jobsTook, clock.Elapsed);
    }

    /// <summary>What the recorder writes for a job: one sample per interval and one at each stage change, the outcome last.</summary>
    public static IEnumerable<(DateTime At, double Progress, string Stage)> Samples(StudioHistory.Job job)
    {
        var run = job.CompletedAt - job.StartedAt;
        string[] stages = job.Video ? ["Initializing", "Rendering", "Post-processing"] : ["Initializing", "Processing", "Finalizing"];
        var reach = job.Status == "completed" ? 100.0 : 40.0;
        for (var t = TimeSpan.Zero; t < run; t += TimeSpan.FromSeconds(SampleSeconds))
        {
            var fraction = t / run;
            yield return (job.StartedAt + t, Math.Round(fraction * reach, 2), stages[fraction < 0.1 ? 0 : fraction < 0.85 ? 1 : 2]);
        }

        yield return (job.CompletedAt, reach, Terminal(job.Status));
    }

    private static string Terminal(string status) => status switch
    {
        "completed" => "Completed",
        "failed" => "Failed",
        _ => "Cancelled",
    };

    private const string WorkflowText =
        """{"3":{"class_type":"KSampler","inputs":{"seed":1,"steps":28,"cfg":6.5,"model":["4",0],"positive":["6",0],"negative":["7",0],"latent_image":["5",0]}},"4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"anime.safetensors"}},"8":{"class_type":"VAEDecode","inputs":{"samples":["3",0],"vae":["4",2]}},"9":{"class_type":"SaveImage","inputs":{"images":["8",0]}}}""";
}
