using AnimeProgress.Core.Persistence.Eta;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.Persistence.Eta;

public sealed class EtaRunOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<EtaRunOptions>> BadValues = new()
    {
        ["MaxStoredRuns"] = o => o.MaxStoredRuns = 9,
        ["MaxPendingRuns"] = o => o.MaxPendingRuns = 100_001,
        ["FollowInterval"] = o => o.FollowInterval = TimeSpan.FromMilliseconds(500),
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new EtaRunOptionsValidator(), new EtaRunOptions());

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new EtaRunOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new EtaRunOptionsValidator(), options, $"AnimeProgress:Eta:{key}");
    }
}
