using AnimeProgress.Core.Notifications;
using AnimeProgress.Web.Hosting.Edge;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Notifications;

/// <summary>Links back to the app in messages: <c>AnimeProgress:Notifications:LinkBaseUrl</c>, else the first public origin, else the local default.</summary>
public sealed class JobLinks(IOptions<NotificationOptions> notifications, IOptions<NetworkOptions> network)
{
    private readonly string _base = (notifications.Value.LinkBaseUrl ?? network.Value.PublicOrigins.FirstOrDefault() ?? "http://localhost:5149").TrimEnd('/');

    public string? For(NotificationEvent e) => e.JobId is { } id ? $"{_base}/jobs/{id}" : e.Instance is not null ? $"{_base}/fleet" : null;
}
