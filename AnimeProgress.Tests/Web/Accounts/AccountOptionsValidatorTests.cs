using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Tests.Web.Accounts;

public sealed class AccountOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid_five_failures_lock_for_fifteen_minutes()
    {
        var defaults = new AccountOptions();
        OptionsAssert.Valid(new AccountOptionsValidator(), defaults);
        Assert.Equal((5, TimeSpan.FromMinutes(15)), (defaults.MaxFailedSignIns, defaults.LockoutDuration));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_failure_count_outside_its_range_fails_naming_its_key(int count) =>
        OptionsAssert.FailsNaming(new AccountOptionsValidator(), new AccountOptions { MaxFailedSignIns = count }, "AnimeProgress:Accounts:MaxFailedSignIns");

    [Fact]
    public void A_lockout_of_no_time_fails_naming_its_key() =>
        OptionsAssert.FailsNaming(new AccountOptionsValidator(), new AccountOptions { LockoutDuration = TimeSpan.Zero }, "AnimeProgress:Accounts:LockoutDuration");

    [Theory]
    [InlineData(7)]
    [InlineData(129)]
    public void A_password_length_outside_its_range_fails_naming_its_key(int length) =>
        OptionsAssert.FailsNaming(new AccountOptionsValidator(), new AccountOptions { MinPasswordLength = length }, "AnimeProgress:Accounts:MinPasswordLength");

    [Fact]
    public void A_session_shorter_than_a_minute_fails_naming_its_key() =>
        OptionsAssert.FailsNaming(new AccountOptionsValidator(), new AccountOptions { SessionLifetime = TimeSpan.FromSeconds(30) }, "AnimeProgress:Accounts:SessionLifetime");

    [Theory]
    [InlineData("00:00:31")]
    [InlineData("00:00:00")]
    public void A_revalidation_interval_above_thirty_seconds_or_of_no_time_fails_naming_its_key(string interval) =>
        OptionsAssert.FailsNaming(
            new AccountOptionsValidator(), new AccountOptions { RevalidationInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) },
            "AnimeProgress:Accounts:RevalidationInterval");
}
