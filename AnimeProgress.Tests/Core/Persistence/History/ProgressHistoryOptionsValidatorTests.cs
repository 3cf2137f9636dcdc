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
        ["FullDetailFor"] = o => o.FullDetailFor = TimeSpan.FromDays(-1),
        ["ThinnedInterval"] = o => o.ThinnedInterval = TimeSpan.FromSeconds(1),
        ["KeepFor"] = o => o.KeepFor = TimeSpan.FromDays(3),
        ["RetentionInterval"] = o => o.RetentionInterval = TimeSpan.Zero,
        ["RetentionBatchSize"] = o => o.RetentionBatchSize = 5,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new ProgressHistoryOptionsValidator(), new ProgressHistoryOptions());

    [Fact]
    public void KeepFor_zero_keeps_samples_for_ever() =>
        OptionsAssert.Valid(new ProgressHistoryOptionsValidator(), new ProgressHistoryOptions { KeepFor = TimeSpan.Zero });

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new ProgressHistoryOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new ProgressHistoryOptionsValidator(), options, $"AnimeProgress:History:{key}");
    }
}
