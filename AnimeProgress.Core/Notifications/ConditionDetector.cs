using System.Globalization;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Fleet;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Notifications;

/// <summary>
/// Finds the conditions worth telling in the live state: stalled and overdue jobs, an empty queue, an instance offline
/// (and back), VRAM nearly full. Pure: given the hub's state, what is already open and the time, it says what began and
/// what cleared. Each event's id is its type, subject and the moment the condition began (taken from the data where it
/// says: the instance's offline-since, the job's start, the last job's finish), so every node and every restart names
/// the same occurrence alike. A condition clears only on evidence (the job moved on, the instance answers), never because
/// the state is not known yet after a restart.
/// </summary>
public sealed class ConditionDetector(NotificationOptions options, IEtaModel eta)
{
    private const double VramHysteresis = 0.05;

    public ConditionChanges Evaluate(IEnumerable<JobSnapshot> jobs, IEnumerable<InstanceStatus> instances, IReadOnlyDictionary<string, OpenCondition> open, DateTimeOffset now)
    {
        var began = new List<DetectedCondition>();
        var cleared = new List<string>();
        var events = new List<NotificationEvent>();
        var byId = new Dictionary<long, JobSnapshot>();
        foreach (var job in jobs)
        {
            byId[job.Id] = job;
            if (job.Status == JobStatus.Running)
            {
                DetectRunning(job, open, now, began);
            }
        }

        foreach (var condition in open.Values)
        {
            if (condition.Key.StartsWith(NotificationEventTypes.JobStalled + "|", StringComparison.Ordinal) || condition.Key.StartsWith(NotificationEventTypes.JobOverdue + "|", StringComparison.Ordinal))
            {
                var id = long.Parse(condition.Key[(condition.Key.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
                if (!byId.TryGetValue(id, out var job) || job.Status != JobStatus.Running || (condition.Key.StartsWith(NotificationEventTypes.JobStalled, StringComparison.Ordinal) && MovedOn(job, condition.Mark)))
                {
                    cleared.Add(condition.Key);
                }
            }
        }

        DetectQueue(byId.Values, open, began, cleared);
        foreach (var instance in instances)
        {
            DetectInstance(instance, open, now, began, cleared, events);
        }

        return new ConditionChanges(began, cleared, events);
    }

    public static string Key(string type, string subject) => type + "|" + subject;

    private void DetectRunning(JobSnapshot job, IReadOnlyDictionary<string, OpenCondition> open, DateTimeOffset now, List<DetectedCondition> began)
    {
        var subject = "job:" + job.Id.ToString(CultureInfo.InvariantCulture);
        var stalledKey = Key(NotificationEventTypes.JobStalled, subject);
        if (job.Stalled && !open.ContainsKey(stalledKey))
        {
            var percent = JobText.PercentValue(job.Percent);
            var e = JobOutcomeEvents.ForJob(job, NotificationEventTypes.JobStalled, Id(NotificationEventTypes.JobStalled, subject, now), now, $"Job stalled: {job.Title}", $"No sign of life at {percent} %.");
            began.Add(new DetectedCondition(stalledKey, e, job.Percent.ToString("R", CultureInfo.InvariantCulture)));
        }

        var overdueKey = Key(NotificationEventTypes.JobOverdue, subject);
        if (job.StartedAt is { } started && !open.ContainsKey(overdueKey)
            && eta.ExpectedRunSeconds(new JobFacts(job.Kind, job.WorkflowKey, job.Instance)) is { } expected and > 0
            && (now - started).TotalSeconds > options.OverdueFactor * expected)
        {
            var e = JobOutcomeEvents.ForJob(job, NotificationEventTypes.JobOverdue, Id(NotificationEventTypes.JobOverdue, subject, started), now,
                $"Job overdue: {job.Title}", $"Running for {JobText.Duration(now - started)}; jobs like it take about {JobText.Duration(expected)}.");
            began.Add(new DetectedCondition(overdueKey, e, null));
        }
    }

    private static bool MovedOn(JobSnapshot job, string? mark) =>
        !job.Stalled && (!double.TryParse(mark, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || job.Percent > percent);

    private static void DetectQueue(ICollection<JobSnapshot> jobs, IReadOnlyDictionary<string, OpenCondition> open, List<DetectedCondition> began, List<string> cleared)
    {
        var key = Key(NotificationEventTypes.QueueEmpty, "fleet");
        if (jobs.Any(j => j.Status.IsActive()))
        {
            if (open.ContainsKey(key))
            {
                cleared.Add(key);
            }

            return;
        }

        var last = jobs.Where(j => j.FinishedAt is not null).MaxBy(j => j.FinishedAt);
        if (last is null || open.ContainsKey(key))
        {
            return;
        }

        var at = last.FinishedAt!.Value;
        began.Add(new DetectedCondition(key, new NotificationEvent
        {
            Id = Id(NotificationEventTypes.QueueEmpty, "fleet", at),
            Type = NotificationEventTypes.QueueEmpty,
            Subject = "fleet",
            OccurredAt = at,
            Title = "Queue empty: all work done",
            Detail = $"The last job to finish was {last.Title}.",
            JobId = last.Id,
            JobTitle = last.Title,
            Instance = last.Instance,
        }, null));
    }

    private void DetectInstance(InstanceStatus instance, IReadOnlyDictionary<string, OpenCondition> open, DateTimeOffset now, List<DetectedCondition> began, List<string> cleared, List<NotificationEvent> events)
    {
        var subject = "instance:" + instance.Name;
        var offlineKey = Key(NotificationEventTypes.InstanceOffline, subject);
        if (instance.Online && open.ContainsKey(offlineKey))
        {
            cleared.Add(offlineKey);
            events.Add(ForInstance(instance, NotificationEventTypes.InstanceOnline, instance.Since, $"Instance back online: {instance.Name}", "It answers again."));
        }
        else if (!instance.Online && now - instance.Since >= options.OfflineAfter && !open.ContainsKey(offlineKey))
        {
            began.Add(new DetectedCondition(offlineKey, ForInstance(instance, NotificationEventTypes.InstanceOffline, instance.Since,
                $"Instance offline: {instance.Name}", instance.LastError is { } error ? $"Unreachable since {instance.Since:u}: {error}" : $"Unreachable since {instance.Since:u}."), null));
        }

        var vramKey = Key(NotificationEventTypes.InstanceVramHigh, subject);
        var device = instance.Devices.Count > 0 ? instance.Devices[0] : null;
        if (!instance.Online || device is null || device.VramTotal <= 0)
        {
            return;
        }

        var used = (double)device.VramUsed / device.VramTotal;
        if (used >= options.VramNearlyFull && !open.ContainsKey(vramKey))
        {
            began.Add(new DetectedCondition(vramKey, ForInstance(instance, NotificationEventTypes.InstanceVramHigh, now,
                $"VRAM nearly full: {instance.Name}", $"{device.Name}: {used:P0} of {device.VramTotal / (1024 * 1024)} MiB in use."), null));
        }
        else if (used < options.VramNearlyFull - VramHysteresis && open.ContainsKey(vramKey))
        {
            cleared.Add(vramKey);
        }
    }

    private static NotificationEvent ForInstance(InstanceStatus instance, string type, DateTimeOffset began, string title, string detail)
    {
        var subject = "instance:" + instance.Name;
        return new NotificationEvent
        {
            Id = Id(type, subject, began),
            Type = type,
            Subject = subject,
            OccurredAt = began,
            Title = title,
            Detail = detail,
            Status = instance.Online ? "online" : "offline",
            Instance = instance.Name,
        };
    }

    /// <summary>type:subject:began, the began time in whole UTC seconds so nodes agree on it.</summary>
    public static string Id(string type, string subject, DateTimeOffset began) =>
        $"{type}:{subject}:{began.ToUniversalTime():yyyyMMdd'T'HHmmss'Z'}";
}
