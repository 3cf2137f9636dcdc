namespace AnimeProgress.Core.Queue;

/// <summary>A job the fleet queue will not take: no instance can ever run it (the message says why, as a sentence).</summary>
public sealed class JobRefusedException(string message) : Exception(message);
