using AnimeProgress.Core.Estimation;

namespace AnimeProgress.Core.Persistence.Eta;

/// <summary>A finished run waiting to be written; <paramref name="Arrival"/> keeps the order the engine learned them in.</summary>
internal sealed record EtaRunWrite(long Arrival, RunSnapshot Run, DateTimeOffset FinishedAt);
