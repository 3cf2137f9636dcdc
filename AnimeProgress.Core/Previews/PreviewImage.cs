namespace AnimeProgress.Core.Previews;

/// <summary>The latest preview of a running job.</summary>
public sealed record PreviewImage(string MediaType, ReadOnlyMemory<byte> Bytes, DateTimeOffset ReceivedAt);
