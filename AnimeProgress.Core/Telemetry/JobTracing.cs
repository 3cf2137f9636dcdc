using System.Diagnostics;

namespace AnimeProgress.Core.Telemetry;

/// <summary>
/// The spans of one job's way through the app: submission, dispatch to ComfyUI, each ComfyUI message about it, the
/// snapshot published, each subscriber's delivery and each circuit's render. They share the submission's trace: the
/// tracker keeps the job's <see cref="ActivityContext"/> and every later hop (the tracker's channel, the hub's mailboxes,
/// the circuit's dispatcher) starts its span under the context handed over with the job, never under
/// <see cref="Activity.Current"/> of the thread it happens to run on. With no listener (tracing not configured) every
/// start returns null and nothing is kept.
/// </summary>
public static class JobTracing
{
    public const string SourceName = TelemetryNames.Prefix + ".Jobs";

    public const string Submit = "job.submit";
    public const string Dispatch = "job.dispatch";
    public const string Message = "comfyui.message";
    public const string Snapshot = "job.snapshot";
    public const string HubDelivery = "hub.deliver";
    public const string CircuitRender = "circuit.render";

    /// <summary>
    /// How many circuits trace each update of a job (taken in turn, so every viewer is traced now and then): enough to
    /// follow an update to a screen, few enough that traces cost the same at 10 viewers and at 2,000.
    /// </summary>
    public const int ViewersTracedPerUpdate = 2;

    /// <summary>The ComfyUI message type a <see cref="Message"/> span folds.</summary>
    public const string MessageType = "comfyui.message.type";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>True while something records the job spans; callers skip gathering contexts otherwise.</summary>
    public static bool Enabled => Source.HasListeners();

    /// <summary>The submission, under the current request's span if any.</summary>
    public static Activity? StartSubmit() => Source.StartActivity(Submit, ActivityKind.Internal);

    /// <summary>A span of a job's trace, started from a context carried across a hop.</summary>
    public static Activity? StartUnder(string name, ActivityContext parent, long jobId, ActivityKind kind = ActivityKind.Internal)
    {
        if (parent == default)
        {
            return null;
        }

        var activity = Source.StartActivity(name, kind, parent);
        activity?.SetTag(TelemetryNames.JobId, jobId);
        return activity;
    }

    /// <summary>The context a hop should carry on: this source's current span, else none.</summary>
    public static ActivityContext CurrentContext() =>
        Activity.Current is { } current && ReferenceEquals(current.Source, Source) ? current.Context : default;
}
