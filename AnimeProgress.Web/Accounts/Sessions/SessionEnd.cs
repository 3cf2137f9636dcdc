namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// How an open session is ended when what let it in changed. The sweep calls it at each sweep that still finds the
/// session affected (so an implementation can escalate: tell first, cut the connection at the next sweep); it must be
/// cheap and must not throw.
/// </summary>
public interface ISessionEnd
{
    void End(string reason);
}
