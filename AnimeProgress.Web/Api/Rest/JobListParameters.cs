using System.Globalization;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>The filters of GET /api/jobs as the read model's <see cref="JobFilter"/>; each one given narrows the result, all must hold.</summary>
internal static class JobListParameters
{
    /// <summary>
    /// Reads the query values; errors are keyed by parameter for a 400 ValidationProblem.
    /// status takes a comma-separated list of the seed's words (queued, processing, completed, failed, cancelled).
    /// </summary>
    public static (JobFilter? Filter, Dictionary<string, string[]> Errors) Parse(
        string? status, string? kind, string? instance, string? text, string? submittedBy = null,
        string? workflow = null, string? finishedFrom = null, string? finishedBefore = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        HashSet<JobStatus>? statuses = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            statuses = [];
            foreach (var word in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (JobStatusNames.FromWire(word) is { } parsed)
                {
                    statuses.Add(parsed);
                }
                else
                {
                    errors["status"] = [$"Unknown status '{word}'; use queued, processing, completed, failed or cancelled (comma-separated for several)."];
                }
            }
        }

        JobKind? parsedKind = null;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            parsedKind = kind.Trim().ToLowerInvariant() switch
            {
                "image" => JobKind.Image,
                "video" => JobKind.Video,
                _ => null,
            };
            if (parsedKind is null)
            {
                errors["kind"] = [$"Unknown kind '{kind}'; use image or video."];
            }
        }

        var from = Moment(nameof(finishedFrom), finishedFrom, errors);
        var before = Moment(nameof(finishedBefore), finishedBefore, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new JobFilter
        {
            Statuses = statuses,
            Kind = parsedKind,
            Instance = string.IsNullOrWhiteSpace(instance) ? null : instance.Trim(),
            Title = string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
            SubmittedBy = string.IsNullOrWhiteSpace(submittedBy) ? null : submittedBy.Trim(),
            WorkflowKey = string.IsNullOrWhiteSpace(workflow) ? null : workflow.Trim(),
            FinishedFrom = from,
            FinishedBefore = before,
        }, errors);
    }

    /// <summary>An ISO 8601 moment with its offset (<c>2026-12-01T00:00:00Z</c>); a value without one is refused rather than guessed.</summary>
    private static DateTimeOffset? Moment(string key, string? value, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && (value.Contains('Z', StringComparison.OrdinalIgnoreCase) || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T', StringComparison.Ordinal)))
        {
            return at;
        }

        errors[key] = [$"'{value}' is not an ISO 8601 date and time with an offset, e.g. 2026-12-01T00:00:00Z."];
        return null;
    }
}
