using AnimeProgress.Web.Limits;

namespace AnimeProgress.Tests.Web.Limits;

public sealed class RequestLimitsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid_and_the_documented_ones()
    {
        var defaults = new RequestLimits();

        Assert.True(new RequestLimitsValidator().Validate(null, defaults).Succeeded);
        Assert.Equal((1024L * 1024, 20, 20, true), (defaults.MaxSubmissionBodyBytes, defaults.MaxSocketsPerClient, defaults.MaxCircuitsPerClient, defaults.ExemptLoopback));
        Assert.True(defaults.SubmissionPermitsPerWindow < defaults.ApiPermitsPerWindow, "submissions are limited more strictly than reads");
        Assert.Equal((10, TimeSpan.FromMinutes(5)), (defaults.SignInPermitsPerWindow, defaults.SignInWindow));
    }

    [Theory]
    [InlineData(nameof(RequestLimits.MaxSubmissionBodyBytes))]
    [InlineData(nameof(RequestLimits.ApiPermitsPerWindow))]
    [InlineData(nameof(RequestLimits.ApiWindow))]
    [InlineData(nameof(RequestLimits.SubmissionPermitsPerWindow))]
    [InlineData(nameof(RequestLimits.SubmissionWindow))]
    [InlineData(nameof(RequestLimits.SignInPermitsPerWindow))]
    [InlineData(nameof(RequestLimits.SignInWindow))]
    [InlineData(nameof(RequestLimits.MaxSocketsPerClient))]
    [InlineData(nameof(RequestLimits.MaxCircuitsPerClient))]
    public void A_bad_value_fails_validation_naming_its_key(string key)
    {
        var options = new RequestLimits();
        switch (key)
        {
            case nameof(RequestLimits.MaxSubmissionBodyBytes): options.MaxSubmissionBodyBytes = 10; break;
            case nameof(RequestLimits.ApiPermitsPerWindow): options.ApiPermitsPerWindow = 0; break;
            case nameof(RequestLimits.ApiWindow): options.ApiWindow = TimeSpan.Zero; break;
            case nameof(RequestLimits.SubmissionPermitsPerWindow): options.SubmissionPermitsPerWindow = -1; break;
            case nameof(RequestLimits.SubmissionWindow): options.SubmissionWindow = TimeSpan.FromDays(2); break;
            case nameof(RequestLimits.SignInPermitsPerWindow): options.SignInPermitsPerWindow = 0; break;
            case nameof(RequestLimits.SignInWindow): options.SignInWindow = TimeSpan.FromDays(2); break;
            case nameof(RequestLimits.MaxSocketsPerClient): options.MaxSocketsPerClient = 0; break;
            case nameof(RequestLimits.MaxCircuitsPerClient): options.MaxCircuitsPerClient = 0; break;
        }

        var result = new RequestLimitsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("AnimeProgress:Limits:Requests:" + key, result.FailureMessage, StringComparison.Ordinal);
    }
}
