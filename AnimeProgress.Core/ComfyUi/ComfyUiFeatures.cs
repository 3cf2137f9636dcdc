namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// What one ComfyUI instance offers beyond 0.3.64 (reference §9), learnt on every (re)connect of its socket: an
/// upgrade or downgrade behind the same address is noticed at the next reconnect. Until a probe has answered,
/// nothing newer is assumed and the 0.3.64 routes are used, which the newer servers still answer.
/// </summary>
/// <param name="Detected">A probe has answered since the connection began (false: unknown, treated as 0.3.64).</param>
/// <param name="JobsApi">
/// <c>GET /api/jobs</c> answered 200 with a job list: the job API (<c>/api/jobs/{id}</c>, <c>POST /api/jobs/{id}/cancel</c>,
/// the <c>cancelled</c> status) is used; 0.3.64 answers 404 there.
/// </param>
public sealed record ComfyUiFeatures(bool Detected, bool JobsApi)
{
    /// <summary>Before any probe answered: everything as on 0.3.64.</summary>
    public static ComfyUiFeatures Unknown { get; } = new(false, false);

    /// <summary>What the probe found on a server without the job API.</summary>
    public static ComfyUiFeatures Release0364 { get; } = new(true, false);

    /// <summary>What the probe found on a server with the job API.</summary>
    public static ComfyUiFeatures WithJobsApi { get; } = new(true, true);
}
