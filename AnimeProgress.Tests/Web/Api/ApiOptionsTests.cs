using AnimeProgress.Web.Api;
using AnimeProgress.Web.Api.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Web.Api;

public sealed class ApiOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ApiOptionsValidator().Validate(null, new ApiOptions()).Succeeded);
    }

    [Theory]
    [InlineData("AnimeProgress:Api:Tokens:0")]
    [InlineData("AnimeProgress:Api:AllowedOrigins:0")]
    [InlineData("AnimeProgress:Api:MaxMessageBytes")]
    [InlineData("AnimeProgress:Api:MaxMessagesPerSecond")]
    [InlineData("AnimeProgress:Api:SendTimeout")]
    [InlineData("AnimeProgress:Api:DefaultPageSize")]
    public void A_bad_value_fails_validation_naming_its_key(string key)
    {
        var options = new ApiOptions();
        switch (key)
        {
            case "AnimeProgress:Api:Tokens:0": options.Tokens.Add("short"); break;
            case "AnimeProgress:Api:AllowedOrigins:0": options.AllowedOrigins.Add("https://studio.example/page"); break;
            case "AnimeProgress:Api:MaxMessageBytes": options.MaxMessageBytes = 10; break;
            case "AnimeProgress:Api:MaxMessagesPerSecond": options.MaxMessagesPerSecond = 0; break;
            case "AnimeProgress:Api:SendTimeout": options.SendTimeout = TimeSpan.Zero; break;
            case "AnimeProgress:Api:DefaultPageSize": options.DefaultPageSize = 1000; break;
        }

        var result = new ApiOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://progress.studio.example", true)]
    [InlineData("http://localhost:5149", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://[::1]:5149", true)]
    [InlineData("https://studio.example", true)]
    [InlineData("https://studio.example.evil", false)]
    [InlineData("http://progress.studio.example", false)]
    [InlineData("http://rebound.attacker.example:5149", false)]
    public void Public_loopback_and_listed_origins_are_allowed(string? origin, bool allowed)
    {
        var policy = NewPolicy(["https://studio.example"], ["https://progress.studio.example"]);
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("progress.studio.example");
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(allowed, policy.IsAllowed(context.Request));
    }

    [Fact]
    public void A_rebinding_page_whose_host_matches_its_origin_is_refused()
    {
        // DNS rebinding: the attacker's name now points at the app, so Host and Origin agree; neither is a public origin.
        var policy = NewPolicy([], ["https://progress.studio.example"]);
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("rebound.attacker.example", 5149);
        context.Request.Headers.Origin = "http://rebound.attacker.example:5149";

        Assert.False(policy.IsAllowed(context.Request));
    }

    private static OriginPolicy NewPolicy(List<string> allowedOrigins, List<string> publicOrigins) =>
        new(Options.Create(new ApiOptions { AllowedOrigins = allowedOrigins }),
            new AnimeProgress.Web.Hosting.Edge.PublicOrigins(Options.Create(new AnimeProgress.Web.Hosting.Edge.NetworkOptions { PublicOrigins = publicOrigins })));

    [Fact]
    public void A_star_allows_any_origin()
    {
        var policy = NewPolicy(["*"], []);
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("dash.local");
        context.Request.Headers.Origin = "https://anywhere.example";

        Assert.True(policy.IsAllowed(context.Request));
    }
}
