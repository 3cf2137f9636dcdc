namespace AnimeProgress.TestSupport.Fuzzing;

/// <summary>One generated WebSocket message: its bytes, whether it goes as a binary frame, and which rule made it.</summary>
public sealed record GeneratedFrame(bool Binary, byte[] Bytes, string Shape);
