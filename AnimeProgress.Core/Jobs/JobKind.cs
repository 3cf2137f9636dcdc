namespace AnimeProgress.Core.Jobs;

/// <summary>What a job produces; video jobs also report frames.</summary>
public enum JobKind
{
    Image,
    Video,
}
