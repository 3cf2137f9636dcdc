using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Jobs;
using AnimeProgress.ComfyUiEmulator.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// The newer server's job API (reference §9, server.py get_jobs / get_job_by_id / cancel_job_by_id / cancel_jobs_batch):
/// GET /api/jobs, GET /api/jobs/{id}, POST /api/jobs/{id}/cancel, POST /api/jobs/cancel. Mapped only in that
/// generation; 0.3.64 answers 404 there. Like every route it also answers under /api (so /api/api/jobs too).
/// </summary>
internal static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/api/jobs", context => ListAsync(context, engine));
        routes.MapGet("/api/jobs/{job_id}", context =>
        {
            var id = context.Request.RouteValues["job_id"]?.ToString() ?? "";
            var (running, pending) = engine.Queue.Snapshot();
            var job = JobList.One(id, running, pending, engine.History.Get(id));
            return job is null
                ? HttpJson.WriteAsync(context, Error("Job not found"), StatusCodes.Status404NotFound)
                : HttpJson.WriteAsync(context, job);
        });
        routes.MapPost("/api/jobs/{job_id}/cancel", context =>
            HttpJson.WriteAsync(context, new JsonObject { ["cancelled"] = Cancel(engine, context.Request.RouteValues["job_id"]?.ToString() ?? "") }));
        // Routing prefers the literal segment, so "cancel" is never taken for a job id here.
        routes.MapPost("/api/jobs/cancel", context => CancelManyAsync(context, engine));
    }

    private static Task ListAsync(HttpContext context, EmulatorEngine engine)
    {
        var query = context.Request.Query;
        List<string>? statuses = null;
        if (query["status"].ToString() is { Length: > 0 } statusParam)
        {
            statuses = [.. statusParam.Split(',').Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0)];
            var invalid = statuses.Where(s => !JobStatus.All.Contains(s)).ToList();
            if (invalid.Count > 0)
            {
                return BadRequest(context, $"Invalid status value(s): {string.Join(", ", invalid)}. Valid values: {string.Join(", ", JobStatus.All)}");
            }
        }
        var sortBy = (query.TryGetValue("sort_by", out var by) ? by.ToString() : "created_at").ToLowerInvariant();
        var sortOrder = (query.TryGetValue("sort_order", out var order) ? order.ToString() : "desc").ToLowerInvariant();
        if (sortBy is not ("created_at" or "execution_duration"))
        {
            return BadRequest(context, "sort_by must be 'created_at' or 'execution_duration'");
        }
        if (sortOrder is not ("asc" or "desc"))
        {
            return BadRequest(context, "sort_order must be 'asc' or 'desc'");
        }
        int? limit = null;
        if (query.TryGetValue("limit", out var rawLimit))
        {
            if (!TryPythonInt(rawLimit.ToString(), out var parsed))
            {
                return BadRequest(context, "limit must be an integer");
            }
            if (parsed <= 0)
            {
                return BadRequest(context, "limit must be a positive integer");
            }
            limit = parsed;
        }
        var offset = 0;
        if (query.TryGetValue("offset", out var rawOffset))
        {
            if (!TryPythonInt(rawOffset.ToString(), out var parsed))
            {
                return BadRequest(context, "offset must be an integer");
            }
            offset = Math.Max(parsed, 0);
        }

        var (running, pending) = engine.Queue.Snapshot();
        var workflowId = query.TryGetValue("workflow_id", out var workflow) ? workflow.ToString() : null;
        var (jobs, total) = JobList.All(running, pending, engine.History.Query(null, -1), statuses, workflowId, sortBy, sortOrder, limit, offset);
        return HttpJson.WriteAsync(context, new JsonObject
        {
            ["jobs"] = new JsonArray([.. jobs.Cast<JsonNode>()]),
            ["pagination"] = new JsonObject
            {
                ["offset"] = offset,
                ["limit"] = limit,
                ["total"] = total,
                ["has_more"] = offset + jobs.Count < total,
            },
        });
    }

    private static async Task CancelManyAsync(HttpContext context, EmulatorEngine engine)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            await BadRequest(context, "Request body must be valid JSON");
            return;
        }
        if ((body as JsonObject)?["job_ids"] is not JsonArray ids)
        {
            await BadRequest(context, "job_ids must be a list");
            return;
        }
        // Every id must be well formed before anything is cancelled.
        var invalid = new JsonArray();
        foreach (var id in ids)
        {
            if (id is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                if (!IsCanonicalUuid(v.GetValue<string>()))
                {
                    invalid.Add(v.GetValue<string>());
                }
            }
            else
            {
                invalid.Add(PyJson.Repr(id));
            }
        }
        if (invalid.Count > 0)
        {
            await HttpJson.WriteAsync(context, new JsonObject { ["error"] = "job_ids contains invalid id(s)", ["invalid_ids"] = invalid }, StatusCodes.Status400BadRequest);
            return;
        }
        var cancelled = false;
        foreach (var id in ids)
        {
            cancelled |= Cancel(engine, id!.GetValue<string>());
        }
        await HttpJson.WriteAsync(context, new JsonObject { ["cancelled"] = cancelled });
    }

    /// <summary>
    /// jobs.cancel_job: a running prompt is interrupted only if it is still the running one; a pending one is
    /// dequeued, or interrupted if it started meanwhile; finished and unknown ids are no-ops (false).
    /// </summary>
    private static bool Cancel(EmulatorEngine engine, string promptId)
    {
        var (running, pending) = engine.Queue.Snapshot();
        if (running.Any(i => i.PromptId == promptId))
        {
            return engine.Queue.InterruptIfRunning(promptId, engine.Interrupt.Set);
        }
        if (pending.Any(i => i.PromptId == promptId))
        {
            return engine.Queue.TryDelete(promptId) || engine.Queue.InterruptIfRunning(promptId, engine.Interrupt.Set);
        }
        return false;
    }

    internal static bool IsCanonicalUuid(string value) =>
        Guid.TryParseExact(value, "D", out var parsed) && parsed.ToString("D", CultureInfo.InvariantCulture) == value;

    /// <summary>Python's int(): surrounding spaces and a sign are fine, anything else is not an integer.</summary>
    private static bool TryPythonInt(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static JsonObject Error(string message) => new() { ["error"] = message };

    private static Task BadRequest(HttpContext context, string message) =>
        HttpJson.WriteAsync(context, Error(message), StatusCodes.Status400BadRequest);
}
