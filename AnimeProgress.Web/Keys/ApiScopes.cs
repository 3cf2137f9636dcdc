namespace AnimeProgress.Web.Keys;

/// <summary>Scopes as people and the database write them: <c>read,submit</c>, lower case, in a fixed order.</summary>
public static class ApiScopes
{
    /// <summary>The claim a key's principal carries once per scope.</summary>
    public const string ClaimType = "animeprogress:scope";

    public static readonly IReadOnlyList<(ApiScope Scope, string Name)> All =
        [(ApiScope.Read, "read"), (ApiScope.Submit, "submit"), (ApiScope.Control, "control")];

    public static string Name(ApiScope scope) => All.First(s => s.Scope == scope).Name;

    public static string Format(ApiScope scopes) => string.Join(",", All.Where(s => scopes.HasFlag(s.Scope)).Select(s => s.Name));

    /// <summary>Parses <c>read,submit</c> (any case, spaces allowed); null when empty or a name is unknown.</summary>
    public static ApiScope? Parse(string? text)
    {
        var scopes = ApiScope.None;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = All.FirstOrDefault(s => string.Equals(s.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Scope == ApiScope.None)
            {
                return null;
            }

            scopes |= match.Scope;
        }

        return scopes == ApiScope.None ? null : scopes;
    }
}
