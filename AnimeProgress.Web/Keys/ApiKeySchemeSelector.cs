using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Keys;

/// <summary>
/// Who a request is, as <c>UseAuthentication</c> asks: a request that sends a key where keys are taken is the key
/// (<see cref="ApiKeyAuthenticationHandler"/>); every other request is whatever the app's default scheme says (the
/// sign-in cookie, the first start). Challenges and sign-in stay with the default scheme.
/// </summary>
internal static class ApiKeySchemeSelector
{
    public const string SchemeName = "AnimeProgress.KeyOrDefault";

    public static void Configure(PolicySchemeOptions options) =>
        options.ForwardDefaultSelector = context =>
            ApiKeyRequests.Presented(context.Request) is not null
                ? ApiKeyAuthenticationHandler.SchemeName
                : context.RequestServices.GetRequiredService<IOptions<AuthenticationOptions>>().Value.DefaultScheme;
}
