using MudBlazor;

namespace AnimeProgress.Web.Components.Queue;

/// <summary>How the queue's confirmation dialogs open.</summary>
public static class Confirmations
{
    /// <summary>
    /// The focus starts on the question's first button, the one that changes nothing: a keyboard user is inside the
    /// dialog at once, and an Enter pressed in haste keeps the job (Escape closes it too, see MainLayout).
    /// </summary>
    public static readonly DialogOptions Options = new() { DefaultFocus = DefaultFocus.FirstChild };
}
