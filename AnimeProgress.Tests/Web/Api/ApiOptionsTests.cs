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
    [InlineData("http://dash.local:5149", true)]
    [InlineData("https://dash.local", true)]
    [InlineData("http://dash.local:9999", false)]
    [InlineData("http://other.local:5149", false)]
    [InlineData("https://studio.example", true)]
    [InlineData("https://studio.example.evil", false)]
    public void Same_origin_and_listed_origins_are_allowed(string? origin, bool allowed)
    {
        var policy = new OriginPolicy(Options.Create(new ApiOptions { AllowedOrigins = ["https://studio.example"] }));
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("dash.local", 5149);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        // https://dash.local (port 443) is the app behind a TLS proxy that forwards a Host without port.
        if (origin == "https://dash.local")
        {
            context.Request.Host = new HostString("dash.local");
        }

        Assert.Equal(allowed, policy.IsAllowed(context.Request));
    }

    [Fact]
    public void A_star_allows_any_origin()
    {
        var policy = new OriginPolicy(Options.Create(new ApiOptions { AllowedOrigins = ["*"] }));
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("dash.local");
        context.Request.Headers.Origin = "https://anywhere.example";

        Assert.True(policy.IsAllowed(context.Request));
    }
}
