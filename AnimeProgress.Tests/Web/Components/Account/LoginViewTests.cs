using AnimeProgress.Web.Components.Account;

namespace AnimeProgress.Tests.Web.Components.Account;

/// <summary>What the sign-in page shows for each state of the app and the visitor.</summary>
public sealed class LoginViewTests
{
    [Theory]
    // first start, users exist, from this machine, signed in, may view → view
    [InlineData(true, false, true, false, false, LoginView.FirstStartHere)]
    [InlineData(true, false, false, false, false, LoginView.FirstUserNeeded)]
    // A configured token ends the first start, but nobody can sign in yet: this machine too is told how to make an account.
    [InlineData(false, false, true, false, false, LoginView.FirstUserNeeded)]
    [InlineData(false, true, true, false, false, LoginView.Form)]
    [InlineData(false, true, false, false, false, LoginView.Form)]
    [InlineData(false, true, false, true, true, LoginView.SignedIn)]
    [InlineData(false, true, false, true, false, LoginView.SignedInWithoutAccess)]
    public void The_page_follows_the_first_start_rule_then_the_visitors_sign_in(
        bool firstStart, bool usersExist, bool fromThisMachine, bool signedIn, bool mayView, LoginView expected) =>
        Assert.Equal(expected, LoginViews.Decide(firstStart, usersExist, fromThisMachine, signedIn, mayView));
}
