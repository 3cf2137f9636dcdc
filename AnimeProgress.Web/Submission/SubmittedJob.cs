using System.Text.Json.Serialization;

namespace AnimeProgress.Web.Submission;

/// <summary>The answer to <c>POST /api/jobs</c>: the new job's id (also in <c>Location</c>).</summary>
public sealed record SubmittedJob([property: JsonPropertyName("id")] long Id);
