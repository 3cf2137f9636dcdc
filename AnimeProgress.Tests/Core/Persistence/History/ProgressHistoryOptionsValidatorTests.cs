using AnimeProgress.Core.Persistence.History;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.Persistence.History;

public sealed class ProgressHistoryOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<ProgressHistoryOptions>> BadValues = new()
    {
        ["SampleInterval"] = o => o.SampleInterval = TimeSpan.Zero,
        ["FlushInterval"] = o => o.FlushInterval = TimeSpan.FromSeconds(-1),
        ["MaxPendingSamples"] = o => o.MaxPendingSamples = 99,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new ProgressHistoryOptionsValidator(), new ProgressHistoryOptions());

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new ProgressHistoryOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new ProgressHistoryOptionsValidator(), options, $"AnimeProgress:History:{key}");
    }
}
