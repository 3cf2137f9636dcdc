namespace AnimeProgress.Web.Jobs.ReadModel;

/// <summary>
/// One stretch of a job in one stage, an entry of its stage timeline. <see cref="End"/> is null while the stage still
/// runs. The outcome the job ended in is a zero-length closing period (<see cref="IsOutcome"/>). The REST API sends
/// these as <see cref="Api.Wire.StageSpan"/>, the name its OpenAPI document publishes.
/// </summary>
public sealed record StagePeriod(string Stage, DateTimeOffset Start, DateTimeOffset? End, double PercentAtStart, bool IsOutcome)
{
    public TimeSpan Duration(DateTimeOffset now) => (End ?? now) - Start;
}
