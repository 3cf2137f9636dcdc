using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Telemetry;

namespace AnimeProgress.Tests.Web.Telemetry;

public sealed class MetricsOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<MetricsOptions>> BadValues = new()
    {
        ["Port"] = o => o.Port = 0,
        ["OtlpEndpoint"] = o => o.OtlpEndpoint = new Uri("ftp://collector:4317"),
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new MetricsOptionsValidator(), new MetricsOptions());

    [Fact]
    public void A_port_and_a_collector_url_are_valid() => OptionsAssert.Valid(new MetricsOptionsValidator(), new MetricsOptions
    {
        Port = 9464,
        OtlpEndpoint = new Uri("http://otel-collector:4318"),
        OtlpProtocol = OtlpProtocol.HttpProtobuf,
    });

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new MetricsOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(new MetricsOptionsValidator(), options, $"AnimeProgress:Metrics:{key}");
    }

    [Fact]
    public void A_port_above_65535_fails_naming_the_key() =>
        OptionsAssert.FailsNaming(new MetricsOptionsValidator(), new MetricsOptions { Port = 70000 }, "AnimeProgress:Metrics:Port");
}
