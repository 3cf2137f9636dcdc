using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.Rest;

/// <summary>The filters of GET /api/jobs; each one given narrows the result, all must hold.</summary>
public sealed record JobFilter(IReadOnlySet<JobStatus>? Statuses, JobKind? Kind, string? Instance, string? Text)
{
    public static JobFilter None { get; } = new(null, null, null, null);

    public bool Matches(JobSnapshot job) =>
        (Statuses is null || Statuses.Contains(job.Status))
        && (Kind is null || job.Kind == Kind)
        && (Instance is null || string.Equals(job.Instance, Instance, StringComparison.Ordinal))
        && (Text is null || job.Title.Contains(Text, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads the query values; errors are keyed by parameter for a 400 ValidationProblem.
    /// status takes a comma-separated list of the seed's words (queued, processing, completed, failed, cancelled).
    /// </summary>
    public static (JobFilter? Filter, Dictionary<string, string[]> Errors) Parse(string? status, string? kind, string? instance, string? text)
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

        return (new JobFilter(
            statuses,
            parsedKind,
            string.IsNullOrWhiteSpace(instance) ? null : instance.Trim(),
            string.IsNullOrWhiteSpace(text) ? null : text.Trim()), errors);
    }

    /// <summary>The words stored in production_jobs.status for the statuses asked for.</summary>
    public IReadOnlyList<string>? StoredStatuses => Statuses?.Select(s => s.ToWire()).ToList();

    public string? StoredKind => Kind is { } k ? WireJob.KindName(k) : null;
}
