using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Accounts.WallScreens;

namespace AnimeProgress.Tests.Web.Accounts.WallScreens;

public sealed class AccessOptionsValidatorTests
{
    private static readonly AccessOptionsValidator Validator = new();

    [Fact]
    public void Off_by_default() => OptionsAssert.Valid(Validator, new AccessOptions());

    [Theory]
    [InlineData("Viewer")]
    [InlineData("viewer")]
    public void Viewer_is_taken_in_any_case(string role) =>
        OptionsAssert.Valid(Validator, new AccessOptions { AnonymousRole = role, AnonymousNetworks = ["10.20.0.0/16", "192.168.1.40", "fd00::/8"] });

    [Theory]
    [InlineData("Operator")]
    [InlineData("admin")]
    [InlineData("Everyone")]
    public void Anything_above_or_other_than_Viewer_fails_naming_the_key(string role) =>
        OptionsAssert.FailsNaming(Validator, new AccessOptions { AnonymousRole = role }, "AnimeProgress:Access:AnonymousRole");

    [Fact]
    public void A_network_that_does_not_parse_fails_naming_its_entry() =>
        OptionsAssert.FailsNaming(Validator, new AccessOptions { AnonymousRole = "Viewer", AnonymousNetworks = ["10.20.0.0/16", "studio-lan"] }, "AnimeProgress:Access:AnonymousNetworks:1");

    [Fact]
    public void Networks_without_the_role_fail_naming_the_role() =>
        OptionsAssert.FailsNaming(Validator, new AccessOptions { AnonymousNetworks = ["10.20.0.0/16"] }, "AnimeProgress:Access:AnonymousRole");
}
