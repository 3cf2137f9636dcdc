using AnimeProgress.Core.Submission;

namespace AnimeProgress.Web.Submission;

/// <summary>
/// What <see cref="SubmissionParser"/> made of a body: the job to submit, or per field the sentences saying what is
/// wrong (field name, what was expected, what came).
/// </summary>
public sealed record SubmissionCheck(JobRequest? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Request is not null && Errors.Count == 0;

    /// <summary>Every sentence, for the problem's <c>detail</c>.</summary>
    public string Detail => string.Join(" ", Errors.Values.SelectMany(e => e));
}
