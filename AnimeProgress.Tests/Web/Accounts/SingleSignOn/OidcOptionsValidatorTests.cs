using AnimeProgress.Tests.Core.Settings;
using AnimeProgress.Web.Accounts.SingleSignOn;

namespace AnimeProgress.Tests.Web.Accounts.SingleSignOn;

public sealed class OidcOptionsValidatorTests
{
    private static readonly OidcOptionsValidator Validator = new();

    private static OidcOptions Configured(string authority = "https://sso.studio.example/realms/studio") => new()
    {
        Authority = authority,
        ClientId = "animeprogress",
        Roles = { ["render-admins"] = "Admin", ["render-viewers"] = "viewer" },
    };

    [Fact]
    public void Off_by_default_and_then_nothing_else_is_checked()
    {
        var defaults = new OidcOptions();
        Assert.False(defaults.Enabled);
        OptionsAssert.Valid(Validator, defaults);
    }

    [Fact]
    public void A_complete_https_configuration_is_valid_and_asks_for_openid_and_profile() 
    {
        var options = Configured();
        OptionsAssert.Valid(Validator, options);
        Assert.Equal(["openid", "profile"], options.ScopesAskedFor);
    }

    [Fact]
    public void A_client_id_or_secret_without_an_authority_fails_naming_the_authority() =>
        OptionsAssert.FailsNaming(Validator, new OidcOptions { ClientId = "animeprogress" }, "AnimeProgress:Accounts:Oidc:Authority");

    [Theory]
    [InlineData("http://sso.studio.example/realms/studio")]
    [InlineData("http://10.0.0.5:8080/")]
    [InlineData("not a url")]
    [InlineData("ftp://sso.studio.example/")]
    [InlineData("https://sso.studio.example/?realm=x")]
    public void An_authority_that_is_not_https_or_not_a_url_fails_naming_it(string authority) =>
        OptionsAssert.FailsNaming(Validator, Configured(authority), "AnimeProgress:Accounts:Oidc:Authority");

    [Theory]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("http://localhost:8080/realms/studio")]
    [InlineData("http://[::1]:8080/")]
    public void Http_is_taken_for_a_provider_on_this_machine(string authority) => OptionsAssert.Valid(Validator, Configured(authority));

    [Fact]
    public void Http_elsewhere_only_when_https_metadata_is_explicitly_not_required()
    {
        var options = Configured("http://sso.lab.example/");
        options.RequireHttpsMetadata = false;
        OptionsAssert.Valid(Validator, options);
    }

    [Fact]
    public void A_missing_client_id_fails_naming_it()
    {
        var options = Configured();
        options.ClientId = " ";
        OptionsAssert.FailsNaming(Validator, options, "AnimeProgress:Accounts:Oidc:ClientId");
    }

    [Fact]
    public void A_group_mapped_to_something_other_than_a_role_fails_naming_the_group()
    {
        var options = Configured();
        options.Roles["render-ops"] = "Superuser";
        OptionsAssert.FailsNaming(Validator, options, "AnimeProgress:Accounts:Oidc:Roles:render-ops");
    }

    [Fact]
    public void Scopes_without_openid_fail_naming_them()
    {
        var options = Configured();
        options.Scopes = ["profile", "groups"];
        OptionsAssert.FailsNaming(Validator, options, "AnimeProgress:Accounts:Oidc:Scopes");
    }

    [Fact]
    public void An_empty_role_claim_fails_naming_it()
    {
        var options = Configured();
        options.RoleClaim = "";
        OptionsAssert.FailsNaming(Validator, options, "AnimeProgress:Accounts:Oidc:RoleClaim");
    }
}
