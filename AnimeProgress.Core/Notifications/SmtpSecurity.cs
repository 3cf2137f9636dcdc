namespace AnimeProgress.Core.Notifications;

/// <summary>How an e-mail channel secures its SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it (MailKit's Auto on port 587, TLS on connect on 465).</summary>
    Auto,

    /// <summary>Plain text: only for a relay on the studio's own network, allowed by <c>AllowedDestinations</c>.</summary>
    None,

    StartTls,

    SslOnConnect,
}
