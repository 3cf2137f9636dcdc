using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// The tokens of <c>AnimeProgress:Api:Tokens</c> as keys: each becomes a key of the service account
/// <see cref="AccountName"/> with what a token could do before keys existed, the whole API as it then was (reading and
/// submitting, as a Viewer: the Operator's actions came later and need a key made for them).
/// </summary>
public static class ConfiguredTokens
{
    public const string AccountName = "configured-tokens";

    public const string Role = AppRoles.Viewer;

    public const ApiScope Scopes = ApiScope.Read | ApiScope.Submit;

    /// <summary>Who a configured token is before its import has run (the database was away at start).</summary>
    public static readonly ApiKeyIdentity Identity = new(0, "cfg", "configured token", AccountName, AccountName, [Role], Scopes);

    public static string KeyName(int index) => $"AnimeProgress:Api:Tokens:{index}";
}
