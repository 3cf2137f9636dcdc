using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AnimeProgress.IntegrationTests.Support.Oidc;

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server) on a loopback port, for the single sign-on tests: discovery,
/// keys, the authorization-code flow with PKCE, ID tokens signed with a key made for this run and carrying a
/// <c>groups</c> claim. It knows one client (the app, with a secret made for this run) and its users; which user
/// "signed in at the provider" is the <see cref="UserHeader"/> the test sends with the authorization request, as a
/// browser would carry its session there. OpenIddict's degraded mode: no database, the checks of client, secret and
/// redirect URI are the handlers below.
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "animeprogress";

    public const string UserHeader = "X-Test-Provider-User";

    public const string AuthorizePath = "/connect/authorize";

    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, string secret)
    {
        _app = app;
        ClientSecret = secret;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Authority = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Authority { get; }

    public string ClientSecret { get; }

    /// <summary>The app's callback; an authorization request naming any other redirect URI is refused.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Why the provider refused requests, for a failing test's message.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>How many ID tokens the token endpoint gave out.</summary>
    public int TokensIssued => _tokensIssued;

    private int _tokensIssued;

    /// <summary>Who may sign in at the provider, by user name; a test may change someone's groups between sign-ins.</summary>
    public ConcurrentDictionary<string, TestUser> Users { get; } = new(StringComparer.Ordinal);

    public static async Task<TestIdentityProvider> StartAsync(params TestUser[] users)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        TestIdentityProvider? provider = null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.EnableDegradedMode();
            options.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/')).SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            // Keys made in memory for this run: nothing to keep, nothing committed.
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    provider!.Refuse(context, Errors.InvalidClient, $"unknown client '{context.ClientId}'");
                }
                else if (provider!.RedirectUri is null || !string.Equals(context.RedirectUri, provider.RedirectUri.AbsoluteUri, StringComparison.Ordinal))
                {
                    provider.Refuse(context, Errors.InvalidRequest, $"redirect_uri '{context.RedirectUri}' is not the app's '{provider.RedirectUri}'");
                }

                return default;
            }));

            options.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                var presented = context.Request.ClientSecret ?? "";
                if (context.ClientId != ClientId
                    || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(secret)))
                {
                    provider!.Refuse(context, Errors.InvalidClient, "wrong client id or secret at the token endpoint");
                }

                return default;
            }));

            options.AddEventHandler<HandleAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                var name = context.Transaction.GetHttpRequest()?.Headers[UserHeader].ToString();
                if (string.IsNullOrEmpty(name) || !provider!.Users.TryGetValue(name, out var user))
                {
                    provider!.Refuse(context, Errors.AccessDenied, $"nobody signed in at the provider (user '{name}')");
                    return default;
                }

                context.SignIn(user.Principal(context.Request.GetScopes()));
                return default;
            }));

            options.AddEventHandler<HandleTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                // The code carries the principal made at the authorization endpoint; the ID token repeats it.
                if (context.Request.IsAuthorizationCodeGrantType() && context.AuthorizationCodePrincipal is { } principal)
                {
                    Interlocked.Increment(ref provider!._tokensIssued);
                    context.SignIn(principal);
                }

                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        await app.StartAsync(TestContext.Current.CancellationToken);
        provider = new TestIdentityProvider(app, secret);
        foreach (var user in users)
        {
            provider.Users[user.Name] = user;
        }

        return provider;
    }

    private void Refuse(OpenIddict.Server.OpenIddictServerEvents.BaseValidatingContext context, string error, string why)
    {
        Refusals.Enqueue(why);
        context.Reject(error, why);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>A user of the test provider: its subject, user name and groups, and an e-mail claim if given.</summary>
internal sealed record TestUser(string Subject, string Name, params string[] Groups)
{
    public string? Email { get; init; }

    /// <summary>The <c>email_verified</c> claim; none when null.</summary>
    public bool? EmailVerified { get; init; }

    public ClaimsPrincipal Principal(IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity("TestProvider", Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, Subject));
        identity.AddClaim(new Claim(Claims.Name, Name));
        identity.AddClaim(new Claim(Claims.PreferredUsername, Name));
        foreach (var group in Groups)
        {
            identity.AddClaim(new Claim("groups", group));
        }

        if (Email is not null)
        {
            identity.AddClaim(new Claim(Claims.Email, Email));
        }

        if (EmailVerified is { } verified)
        {
            identity.AddClaim(new Claim(Claims.EmailVerified, verified ? "true" : "false", ClaimValueTypes.Boolean));
        }

        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.IdentityToken]);
        return new ClaimsPrincipal(identity);
    }
}
