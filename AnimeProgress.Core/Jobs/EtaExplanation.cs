using System.Globalization;

namespace AnimeProgress.Core.Jobs;

/// <summary>
/// The one line that says what a job's ETA rests on ("12 earlier runs of this workflow on gpu-1, matched stage by
/// stage; rendering at 14.2 %/min", "No history: from the current speed; rendering at 9.0 %/min"). Culture-invariant
/// like <see cref="JobText"/>.
/// </summary>
public static class EtaExplanation
{
    /// <summary>The line for a queued or running job whose basis is known; null otherwise (nothing is said).</summary>
    public static string? Describe(JobSnapshot job)
    {
        if (job.EtaBasis is not { } basis || job.Status is not (JobStatus.Running or JobStatus.Queued))
        {
            return null;
        }

        if (basis.Runs <= 0)
        {
            return basis.Method switch
            {
                EtaMethod.None or EtaMethod.TypicalRun when job.Status == JobStatus.Queued => "No history of such jobs yet: no estimate before it starts",
                EtaMethod.None or EtaMethod.TypicalRun when !job.HasStepDetail => "No history of such jobs yet, and this job reports no steps: no estimate",
                EtaMethod.None or EtaMethod.TypicalRun => "No history yet: an estimate follows once the job has made a little progress",
                _ => "No history: from the current speed" + Speed(job),
            };
        }

        var runs = Runs(basis, job);
        return basis.Method switch
        {
            EtaMethod.StageByStage => runs + ", matched stage by stage" + Speed(job),
            EtaMethod.ElapsedTime => runs + ", where percent keeps pace with time: from the time so far" + Speed(job),
            EtaMethod.CurrentSpeed => runs + ", weighed against the current speed" + Speed(job),
            EtaMethod.TypicalRun when job.Status == JobStatus.Queued => runs + ": how long they took, after the work queued ahead of it",
            EtaMethod.TypicalRun => runs + ": how long they took (this job reports no steps)",
            _ => runs + ": no estimate yet",
        };
    }

    /// <summary>"12 earlier runs of this workflow on gpu-1", "1 earlier video job (other workflows)".</summary>
    private static string Runs(EtaBasis basis, JobSnapshot job)
    {
        var n = basis.Runs;
        var machine = job.Instance is { } instance ? " on " + instance : " on this machine";
        var kind = job.Kind == JobKind.Video ? "video" : "image";
        var count = n.ToString(CultureInfo.InvariantCulture);
        return basis.Alike switch
        {
            EtaRunsAlike.WorkflowOnMachine => $"{count} earlier {Plural(n, "run")} of this workflow{machine}",
            EtaRunsAlike.Workflow => $"{count} earlier {Plural(n, "run")} of this workflow",
            EtaRunsAlike.KindOnMachine => $"{count} earlier {kind} {Plural(n, "job")}{machine} (other workflows)",
            _ => $"{count} earlier {kind} {Plural(n, "job")} (other workflows)",
        };
    }

    /// <summary>"; rendering at 14.2 %/min" while the job runs and its rate is known.</summary>
    private static string Speed(JobSnapshot job) =>
        job.Status == JobStatus.Running && job.RatePercentPerMinute is { } rate && job.HasStepDetail
            ? "; " + job.Stage.DisplayName().ToLowerInvariant() + " at " + JobText.Rate(rate)
            : "";

    private static string Plural(int n, string word) => n == 1 ? word : word + "s";
}
