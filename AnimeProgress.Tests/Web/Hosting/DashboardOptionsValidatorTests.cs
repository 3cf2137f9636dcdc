using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Hosting;

namespace AnimeProgress.Tests.Web.Hosting;

public sealed class DashboardOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(new DashboardOptionsValidator(), new DashboardOptions());

    [Theory]
    [InlineData(0)]
    [InlineData(61)]
    [InlineData(double.NaN)]
    public void A_render_cap_outside_its_range_fails_naming_its_key(double rendersPerSecond) =>
        OptionsAssert.FailsNaming(new DashboardOptionsValidator(), new DashboardOptions { MaxRendersPerSecond = rendersPerSecond }, "AnimeProgress:Dashboard:MaxRendersPerSecond");

    [Theory]
    [InlineData(-1)]
    [InlineData(501)]
    public void A_recent_finished_count_outside_its_range_fails_naming_its_key(int count) =>
        OptionsAssert.FailsNaming(new DashboardOptionsValidator(), new DashboardOptions { RecentFinished = count }, "AnimeProgress:Dashboard:RecentFinished");
}
