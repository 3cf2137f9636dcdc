namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>
/// The headers on every response (NetEscapades.AspNetCore.SecurityHeaders). The CSP is as tight as Blazor Server and
/// MudBlazor allow, checked in chromium by the browser tests: scripts only from the app itself, plus the one inline
/// import map, which carries the request's nonce (App.razor); no inline script otherwise, no eval.
/// </summary>
internal static class SecurityHeaderPolicy
{
    // HSTS on a loopback name would pin every local app on that name to https.
    private static readonly string[] NoHstsHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>The relay's name among the policies (<see cref="ForRelay"/>).</summary>
    public const string RelayPolicy = "relay";

    /// <summary>The relay's own port among the policies (<see cref="ForRelayPort"/>).</summary>
    public const string RelayPortPolicy = "relay-port";

    public static HeaderPolicyCollection Build(NetworkOptions network, bool development) =>
        Common(network, development).AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().Self();
            csp.AddScriptSrc().Self().WithNonce();
            // MudBlazor sets style attributes and writes its theme as a <style> element from the circuit:
            // neither can carry a nonce, so inline styles stay allowed (styles cannot run code).
            csp.AddStyleSrc().Self().UnsafeInline();
            // Previews come from this app; MudBlazor draws some images as data: URIs.
            csp.AddImgSrc().Self().Data();
            csp.AddFontSrc().Self().Data();
            // 'self' covers the circuit's and /ws's WebSocket on the same host (ws: and wss:).
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        });

    /// <summary>
    /// The ComfyUI relay on the dashboard's port (issue 17) passes on what instances and their custom nodes answer: it
    /// is sandboxed and may load nothing, so even a response that lies about its type cannot run with the dashboard's origin.
    /// </summary>
    public static HeaderPolicyCollection ForRelay(NetworkOptions network, bool development) =>
        Common(network, development).AddContentSecurityPolicy(csp =>
        {
            csp.AddSandbox();
            csp.AddDefaultSrc().None();
            csp.AddFrameAncestors().None();
        });

    /// <summary>
    /// The relay's own port (AnimeProgress:Relay:Port) serves ComfyUI's frontend, which must run: no sandbox and no
    /// script rules there (the frontend and its custom nodes bring their own inline code). That origin holds no
    /// sign-in; it may not be framed, and the key in its addresses is not sent on as a referrer.
    /// </summary>
    public static HeaderPolicyCollection ForRelayPort(NetworkOptions network, bool development) =>
        Common(network, development)
            .AddReferrerPolicyNoReferrer()
            .AddContentSecurityPolicy(csp => csp.AddFrameAncestors().None());

    private static HeaderPolicyCollection Common(NetworkOptions network, bool development)
    {
        var policies = new HeaderPolicyCollection()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddFrameOptionsDeny()
            .AddCrossOriginOpenerPolicy(b => b.SameOrigin())
            .AddCrossOriginResourcePolicy(b => b.SameOrigin())
            .AddPermissionsPolicyWithDefaultSecureDirectives();

        if (!development && network.HstsMaxAge > TimeSpan.Zero)
        {
            // Only sent on HTTPS requests (including those a trusted proxy says were HTTPS).
            policies.AddStrictTransportSecurity((int)network.HstsMaxAge.TotalSeconds, includeSubdomains: false, preload: false, excludedHosts: NoHstsHosts);
        }

        return policies;
    }
}
