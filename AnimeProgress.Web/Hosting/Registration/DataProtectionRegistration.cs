using AnimeProgress.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;

namespace AnimeProgress.Web.Hosting.Registration;

/// <summary>
/// ASP.NET Core Data Protection's keys (what encrypts the sign-in cookie and antiforgery tokens) in the app's database
/// (issue 14 item 9), under one fixed application name: sign-ins survive a restart or a new container, and every web
/// node on the same database reads the others' cookies. Another deployment (another database) has other keys, so its
/// cookies mean nothing here. The keys are stored as ASP.NET Core writes them: whoever can read the table can forge
/// sign-ins, like whoever can write the accounts table; the database's access rules protect both.
/// </summary>
public static class DataProtectionRegistration
{
    /// <summary>Fixed, not the content root's path (the default), which differs between nodes and container images.</summary>
    public const string ApplicationName = "AnimeProgress";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<AnimeProgressDbContext>();
        return services;
    }
}
