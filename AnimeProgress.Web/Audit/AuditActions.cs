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
    public const string AuditRetention = "audit.retention";

    // Notifications (issue 18): channels and rules defined on /admin/notifications, resends and test messages.
    public const string NotificationChannel = "notification.channel";
    public const string NotificationRule = "notification.rule";
    public const string NotificationSend = "notification.send";

    /// <summary>For the page's filter.</summary>
    public static readonly IReadOnlyList<string> All =
        [JobSubmit, SignIn, SignInFailed, SignOut, KeyCreate, KeyRevoke, UserCreate, UserRole, UserDisable, UserEnable, AuditRetention, NotificationChannel, NotificationRule, NotificationSend];
}
