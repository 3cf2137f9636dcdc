namespace AnimeProgress.Web.Components.Account;

/// <summary>What the sign-in page shows.</summary>
public enum LoginView
{
    /// <summary>The name and password form.</summary>
    Form,

    /// <summary>First start, and the visitor is this machine: it is Admin already; how to require sign-in.</summary>
    FirstStartHere,

    /// <summary>No account exists yet and the visitor may not act as Admin: how to create the first user.</summary>
    FirstUserNeeded,

    /// <summary>Signed in with a role that may see the dashboard.</summary>
    SignedIn,

    /// <summary>Signed in, but the account's role may not see the page it asked for: say so, offer another sign-in.</summary>
    SignedInWithoutAccess,
}

/// <summary>The sign-in page's one decision, kept out of the markup so it is tested without rendering.</summary>
public static class LoginViews
{
    /// <param name="firstStart">No account and no key exists (<see cref="Accounts.AccountPresence"/>).</param>
    /// <param name="usersExist">At least one account exists.</param>
    /// <param name="fromThisMachine">The request counts as local for the first-start rule (<see cref="Accounts.LocalRequests"/>).</param>
    /// <param name="signedIn">The request carries an account's sign-in (not the first start's local Admin).</param>
    /// <param name="mayView">That account's role may see the dashboard.</param>
    public static LoginView Decide(bool firstStart, bool usersExist, bool fromThisMachine, bool signedIn, bool mayView) =>
        (firstStart, usersExist, fromThisMachine, signedIn, mayView) switch
        {
            (true, _, true, _, _) => LoginView.FirstStartHere,
            // First start seen from elsewhere, or a configured token but no account yet: nobody could sign in.
            (_, false, _, _, _) => LoginView.FirstUserNeeded,
            (_, _, _, true, true) => LoginView.SignedIn,
            (_, _, _, true, false) => LoginView.SignedInWithoutAccess,
            _ => LoginView.Form,
        };
}
