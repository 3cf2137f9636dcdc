using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Relay;

namespace AnimeProgress.Tests.Web.Relay;

/// <summary><c>AnimeProgress:Relay:Port</c> at start: a TCP port (0 takes a free one), or unset for none.</summary>
public sealed class RelayPortOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8189)]
    [InlineData(65535)]
    public void A_port_or_none_is_valid(int? port) =>
        OptionsAssert.Valid(new RelayOptionsValidator(), new RelayOptions { Port = port });

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(70000)]
    public void A_port_outside_the_tcp_range_fails_naming_the_key(int port) =>
        OptionsAssert.FailsNaming(new RelayOptionsValidator(), new RelayOptions { Port = port }, "AnimeProgress:Relay:Port");
}
