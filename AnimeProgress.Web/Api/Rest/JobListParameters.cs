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
    public static (JobFilter? Filter, Dictionary<string, string[]> Errors) Parse(string? status, string? kind, string? instance, string? text, string? submittedBy = null)
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
        }, errors);
    }
}
