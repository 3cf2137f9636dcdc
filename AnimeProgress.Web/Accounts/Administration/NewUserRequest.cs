namespace AnimeProgress.Web.Accounts.Administration;

/// <summary>
/// What the new-account form asks for. A service account has no password (it cannot sign in; it owns API keys); a
/// person's password goes through Identity's validators and is stored only as Identity's hash.
/// </summary>
public sealed record NewUserRequest(string Name, string Role, bool Service, string? Password);
