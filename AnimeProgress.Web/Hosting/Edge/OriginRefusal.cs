namespace AnimeProgress.Web.Hosting.Edge;

/// <summary>The one sentence a refused browser origin gets (403), on /ws and on dashboard circuits alike.</summary>
public static class OriginRefusal
{
    public static string Sentence(string origin) =>
        $"Pages from {origin} may not connect. If people open AnimeProgress at that address, add it to AnimeProgress:Network:PublicOrigins.";
}
