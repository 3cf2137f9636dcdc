namespace AnimeProgress.Web.Keys;

/// <summary>
/// What a key may do, on top of its owner's role (a key never does more than its owner may): <see cref="Read"/> sees
/// what a Viewer sees on the API (REST reads and /ws), <see cref="Submit"/> posts jobs, <see cref="Control"/> takes the
/// Operator's actions on the API.
/// </summary>
[Flags]
public enum ApiScope
{
    None = 0,
    Read = 1,
    Submit = 2,
    Control = 4,
}
