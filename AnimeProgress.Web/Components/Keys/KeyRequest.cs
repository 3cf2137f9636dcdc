using AnimeProgress.Web.Keys;

namespace AnimeProgress.Web.Components.Keys;

/// <summary>What the new-key form asks for; the page hands it to <see cref="KeyManagement"/>, which decides whether it may.</summary>
public sealed record KeyRequest(string OwnerId, string Name, ApiScope Scopes, TimeSpan? Lifetime);
