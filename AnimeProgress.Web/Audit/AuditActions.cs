namespace AnimeProgress.Web.Audit;

/// <summary>The actions the audit log records, as stored in <c>audit_log.action</c>. Names are kept once written.</summary>
public static class AuditActions
{
    public const string JobSubmit = "job.submit";
    public const string SignIn = "signin";
    public const string SignInFailed = "signin.failed";
    public const string SignOut = "signout";
    public const string KeyCreate = "key.create";
    public const string KeyRevoke = "key.revoke";
    public const string UserCreate = "user.create";
    public const string UserRole = "user.role";
    public const string UserDisable = "user.disable";
    public const string UserEnable = "user.enable";
    public const string UserEmail = "user.email";
    public const string AuditRetention = "audit.retention";

    // Notifications (issue 18): channels and rules defined on /admin/notifications, resends and test messages.
    public const string NotificationChannel = "notification.channel";
    public const string NotificationRule = "notification.rule";
    public const string NotificationSend = "notification.send";

    // The fleet queue (issue 16).
    public const string JobCancel = "job.cancel";
    public const string JobRetry = "job.retry";
    public const string JobPriority = "job.priority";
    public const string JobMove = "job.move";
    public const string QueuePause = "queue.pause";
    public const string QueueResume = "queue.resume";
    public const string InstanceDrain = "instance.drain";
    public const string InstanceResume = "instance.resume";
    public const string InstanceLabels = "instance.labels";

    // What a relay client asked of ComfyUI itself (issue 17): unloading models, emptying an instance's queue.
    public const string InstanceFree = "instance.free";
    public const string QueueClear = "queue.clear";

    // What the dispatcher did on its own (actor "system") when an instance went away.
    public const string JobReclaim = "job.reclaim";
    public const string JobReturn = "job.return";
    public const string JobRanTwice = "job.ran-twice";

    /// <summary>For the page's filter.</summary>
    public static readonly IReadOnlyList<string> All =
        [
            JobSubmit, SignIn, SignInFailed, SignOut, KeyCreate, KeyRevoke, UserCreate, UserRole, UserDisable, UserEnable, UserEmail, AuditRetention,
            NotificationChannel, NotificationRule, NotificationSend,
            JobCancel, JobRetry, JobPriority, JobMove, QueuePause, QueueResume, InstanceDrain, InstanceResume, InstanceLabels,
            InstanceFree, QueueClear,
            JobReclaim, JobReturn, JobRanTwice,
        ];
}
