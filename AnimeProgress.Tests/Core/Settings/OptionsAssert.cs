using Microsoft.Extensions.Options;

namespace AnimeProgress.Tests.Core.Settings;

/// <summary>What every options validator test checks: defaults pass; one bad value fails naming its full key.</summary>
internal static class OptionsAssert
{
    public static void Valid<TOptions>(IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        var result = validator.Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static void FailsNaming<TOptions>(IValidateOptions<TOptions> validator, TOptions options, string key)
        where TOptions : class
    {
        var result = validator.Validate(null, options);
        Assert.True(result.Failed, $"{key}: expected a failure");
        Assert.Contains(result.Failures!, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }
}
