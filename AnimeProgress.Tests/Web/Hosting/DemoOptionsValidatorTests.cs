using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Hosting;

namespace AnimeProgress.Tests.Web.Hosting;

public sealed class DemoOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<DemoOptions>> BadValues = new()
    {
        ["InstanceName"] = o => o.InstanceName = "",
        ["Instances"] = o => o.Instances = 9,
        ["TimeScale"] = o => o.TimeScale = double.NaN,
        ["SubmitInterval"] = o => o.SubmitInterval = TimeSpan.Zero,
        ["MaxActiveJobs"] = o => o.MaxActiveJobs = 0,
        ["FailureRate"] = o => o.FailureRate = 1.5,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new DemoOptionsValidator(), new DemoOptions());

    [Fact]
    public void No_built_in_emulators_is_valid_and_fewer_than_none_is_not()
    {
        OptionsAssert.Valid(new DemoOptionsValidator(), new DemoOptions { Instances = 0 });
        OptionsAssert.FailsNaming(new DemoOptionsValidator(), new DemoOptions { Instances = -1 }, "AnimeProgress:Demo:Instances");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new DemoOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new DemoOptionsValidator(), options, $"AnimeProgress:Demo:{key}");
    }
}
