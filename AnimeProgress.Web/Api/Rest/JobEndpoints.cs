using AnimeProgress.Web.Api.Wire;
using AnimeProgress.Web.Jobs.ReadModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>GET /api/jobs, /api/jobs/{id} and /api/jobs/{id}/history.</summary>
internal static class JobEndpoints
{
    public static void MapJobEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", ListAsync)
            .WithName("ListJobs")
            .WithSummary("Jobs, newest first, filtered and paged")
            .WithDescription("Live jobs come from the tracker's current state, older ones from the database. "
                + "Page with page/pageSize (1-based), offset/limit, or the next_cursor of the previous answer (keyset: "
                + "any depth costs the same); the answer says the total that matched.");
        api.MapGet("/jobs/{id:long}", GetAsync)
            .WithName("GetJob")
            .WithSummary("One job, its stage timeline and its retry chain");
        api.MapGet("/jobs/{id:long}/history", HistoryAsync)
            .WithName("GetJobHistory")
            .WithSummary("A job's progress samples (every stage change, and one every few seconds in between)");
    }

    /// <param name="status">queued, processing, completed, failed or cancelled; comma-separated for several.</param>
    /// <param name="kind">image or video.</param>
    /// <param name="instance">The ComfyUI instance name.</param>
    /// <param name="text">Part of the title, any case.</param>
    /// <param name="submittedBy">Who submitted the job through AnimeProgress, exactly (an account's or service account's name).</param>
    /// <param name="workflow">The workflow's key (<c>workflow_key</c>), exactly: the jobs of one pipeline.</param>
    /// <param name="finishedFrom">Finished at or after this ISO 8601 moment (with its offset).</param>
    /// <param name="finishedBefore">Finished before this ISO 8601 moment (with its offset).</param>
    /// <param name="cursor">The <c>next_cursor</c> of the previous page; with it, only pageSize or limit may be given.</param>
    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync(
        JobQueries jobs,
        IOptions<ApiOptions> options,
        string? status,
        string? kind,
        string? instance,
        string? text,
        string? submittedBy,
        string? workflow,
        string? finishedFrom,
        string? finishedBefore,
        string? cursor,
        int? page,
        int? pageSize,
        int? offset,
        int? limit,
        CancellationToken cancellationToken)
    {
        var (filter, filterErrors) = JobListParameters.Parse(status, kind, instance, text, submittedBy, workflow, finishedFrom, finishedBefore);
        var (paging, pagingErrors) = Paging.Parse(page, pageSize, offset, limit, options.Value.DefaultPageSize, options.Value.MaxPageSize);
        JobListCursor? after = null;
        if (cursor is not null)
        {
            if (!JobListCursor.TryParse(cursor.Trim(), out var parsed))
            {
                pagingErrors["cursor"] = ["Not a cursor this API handed out; pass next_cursor from the previous answer as it is."];
            }
            else if (page is not null || offset is not null)
            {
                pagingErrors["cursor"] = ["A cursor says where the page starts: give pageSize or limit with it, not page or offset."];
            }
            else
            {
                after = parsed;
            }
        }

        if (filter is null || paging is not { } p || pagingErrors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                filterErrors.Concat(pagingErrors).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
                title: "Invalid query");
        }

        // Offset pages (the original API) and cursor pages answer alike, and both hand out the cursor of the page
        // after: a client can start with offset=0 and go on by keyset. A cursor page has no known position (0, 0).
        var (found, next) = after is null && p.Offset > 0
            ? (await jobs.ListAsync(filter, p.Offset, p.Limit, cancellationToken), (JobListCursor?)null)
            : await jobs.ListAfterAsync(filter, after, p.Limit, cancellationToken);
        if (after is null && p.Offset > 0 && found.Jobs.Count == p.Limit)
        {
            var last = found.Jobs[^1];
            next = new JobListCursor(jobs.IsLive(last.Id), last.Id);
        }

        return TypedResults.Ok(new JobPage
        {
            Total = found.Total,
            Offset = after is null ? p.Offset : 0,
            Limit = p.Limit,
            Page = after is null ? p.Page : 0,
            PageSize = p.Limit,
            NextCursor = next?.ToString(),
            Jobs = [.. found.Jobs.Select(WireJob.From)],
        });
    }

    private static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> GetAsync(long id, JobQueries jobs, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { } job)
        {
            return NotFound(id);
        }

        var samples = await jobs.GetSamplesAsync(id, cancellationToken);
        var timeline = StagePeriods.From(samples, StagePeriods.EndedIn(job), job.FinishedAt);
        var links = await jobs.RetryLinksAsync(id, cancellationToken);
        return TypedResults.Ok(new JobDetail
        {
            Job = WireJob.From(job),
            Timeline = [.. timeline.Select(WireStageSpan)],
            RetryOf = links.RetryOf,
            RetriedAs = links.RetriedAs,
        });
    }

    private static async Task<Results<Ok<JobHistory>, ProblemHttpResult>> HistoryAsync(long id, JobQueries jobs, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var samples = await jobs.GetSamplesAsync(id, cancellationToken);
        return TypedResults.Ok(new JobHistory
        {
            JobId = id,
            Samples = [.. samples.Select(s => new HistorySample
            {
                RecordedAt = WireTime.Format(s.At),
                Progress = s.Percent,
                Stage = s.Stage,
                Rate = s.Rate,
            })],
        });
    }

    private static StageSpan WireStageSpan(StagePeriod period) => new()
    {
        Stage = period.Stage,
        StartedAt = WireTime.Format(period.Start),
        EndedAt = WireTime.Format(period.End),
        DurationSeconds = period.End is { } end ? Math.Round((end - period.Start).TotalSeconds, 3) : null,
        ProgressAtStart = period.PercentAtStart,
    };

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem($"No job with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Job not found");
}
