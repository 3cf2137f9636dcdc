using AnimeProgress.Core.Tracking;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.Tracking;

public sealed class TrackerOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<TrackerOptions>> BadValues = new()
    {
        ["TickInterval"] = o => o.TickInterval = TimeSpan.Zero,
        ["FinishedRetention"] = o => o.FinishedRetention = TimeSpan.FromSeconds(-1),
        ["MaxFinishedRetained"] = o => o.MaxFinishedRetained = -1,
        ["StallAfter"] = o => o.StallAfter = TimeSpan.Zero,
        ["PreviewInterval"] = o => o.PreviewInterval = TimeSpan.FromSeconds(-1),
        ["QueueCapacity"] = o => o.QueueCapacity = 0,
        ["MaxActiveJobsPerInstance"] = o => o.MaxActiveJobsPerInstance = 0,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new TrackerOptionsValidator(), new TrackerOptions());

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new TrackerOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new TrackerOptionsValidator(), options, $"AnimeProgress:Tracking:{key}");
    }
}
