using AnimeProgress.Core.ComfyUi;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.ComfyUi;

public sealed class ComfyUiOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<ComfyUiOptions>> BadValues = new()
    {
        ["Instances:0:BaseUrl"] = o => o.Instances[0].BaseUrl = "not a url",
        ["Instances:1:Name"] = o => o.Instances.Add(new ComfyUiInstanceOptions { Name = "gpu-a", BaseUrl = "http://10.0.0.2:8188" }),
        ["Instances:1:BaseUrl"] = o => o.Instances.Add(new ComfyUiInstanceOptions { Name = "gpu-b", BaseUrl = "http://10.0.0.1:8188/" }),
        ["ReconnectInitialDelay"] = o => o.ReconnectInitialDelay = TimeSpan.Zero,
        ["ReconnectMaxDelay"] = o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
        ["SystemStatsInterval"] = o => o.SystemStatsInterval = TimeSpan.Zero,
        ["RequestTimeout"] = o => o.RequestTimeout = TimeSpan.FromSeconds(-1),
        ["QueueReadDelay"] = o => o.QueueReadDelay = TimeSpan.FromSeconds(-1),
        ["QueuePollBusy"] = o => o.QueuePollBusy = TimeSpan.Zero,
        ["QueuePollIdle"] = o => o.QueuePollIdle = TimeSpan.Zero,
        ["MaxFrameBytes"] = o => o.MaxFrameBytes = 512,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_and_one_instance_are_valid()
    {
        OptionsAssert.Valid(new ComfyUiOptionsValidator(), new ComfyUiOptions());
        OptionsAssert.Valid(new ComfyUiOptionsValidator(), WithOneInstance());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = WithOneInstance();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new ComfyUiOptionsValidator(), options, $"AnimeProgress:ComfyUi:{key}");
    }

    [Fact]
    public void The_frame_cap_stops_at_256_MiB()
    {
        var options = new ComfyUiOptions { MaxFrameBytes = ComfyUiOptionsValidator.MaxFrameBytesLimit + 1 };

        OptionsAssert.FailsNaming(new ComfyUiOptionsValidator(), options, "AnimeProgress:ComfyUi:MaxFrameBytes");
    }

    private static ComfyUiOptions WithOneInstance() =>
        new() { Instances = [new ComfyUiInstanceOptions { Name = "gpu-a", BaseUrl = "http://10.0.0.1:8188" }] };
}
