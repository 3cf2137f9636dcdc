using System.Globalization;
using System.Security.Claims;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.Web.Audit;

/// <summary>Who did an audited action: an account, an API key (and its owner), nobody known, the app itself, or a CLI command.</summary>
public sealed record AuditActor(string Kind, string? Id = null, string? Name = null, long? KeyId = null, string? KeyPrefix = null)
{
    /// <summary>Where the actor's request came from, when the principal says (<see cref="ClientAddressClaim"/>).</summary>
    public string? From { get; init; }

    public const string UserKind = "user";
    public const string KeyKind = "key";
    public const string AnonymousKind = "anonymous";
    public const string SystemKind = "system";
    public const string CliKind = "cli";

    public static readonly IReadOnlyList<string> Kinds = [UserKind, KeyKind, AnonymousKind, SystemKind, CliKind];

    public static AuditActor Anonymous { get; } = new(AnonymousKind);

    public static AuditActor System { get; } = new(SystemKind, Name: "AnimeProgress");

    /// <summary>A command run on the server: the operating-system user who ran it is the best name there is.</summary>
    public static AuditActor Cli() => new(CliKind, Name: Environment.UserName);

    /// <summary>
    /// A request's actor: its key (with the owner) when it came with one, else its signed-in account; the first start's
    /// local Admin and a wall screen are anonymous (nobody signed in).
    /// </summary>
    public static AuditActor Of(ClaimsPrincipal? user) => Who(user) with { From = ClientAddressClaim.Of(user) };

    private static AuditActor Who(ClaimsPrincipal? user)
    {
        if (user is null || !SignedIn.IsAccount(user))
        {
            return Anonymous;
        }

        var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var name = user.Identity?.Name;
        if (ApiKeyIdentity.Of(user) is { } key)
        {
            var keyId = long.TryParse(key.FindFirst(ApiKeyIdentity.KeyIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
            return new AuditActor(KeyKind, id, name, keyId, key.FindFirst(ApiKeyIdentity.KeyPrefixClaim)?.Value);
        }

        return new AuditActor(UserKind, id, name);
    }

    /// <summary>An account that is not the request's principal yet (a sign-in being decided).</summary>
    public static AuditActor Account(string? id, string? name) => new(UserKind, id, name);
}
