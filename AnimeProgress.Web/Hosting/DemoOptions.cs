namespace AnimeProgress.Web.Hosting;

/// <summary>Bound from <c>AnimeProgress:Demo</c>: the built-in ComfyUI emulators and the demo job generator.</summary>
public sealed class DemoOptions
{
    public const string Section = "AnimeProgress:Demo";

    /// <summary>Null means: on exactly when no ComfyUI instance is configured.</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// False runs the emulators without the random demo job generator (the <c>jobs simulate</c> command
    /// submits its own jobs).
    /// </summary>
    public bool GenerateJobs { get; set; } = true;

    /// <summary>The emulators are named <c>{InstanceName}-1</c>, <c>{InstanceName}-2</c>…</summary>
    public string InstanceName { get; set; } = "demo-gpu";

    /// <summary>
    /// How many loopback emulators (GPU machines) the demo runs. 0 runs none: the generator then feeds the configured
    /// ComfyUI instances (<c>AnimeProgress:ComfyUi:Instances</c>), for a soak run whose machines live in other processes.
    /// </summary>
    public int Instances { get; set; } = 2;

    /// <summary>Emulator speed: durations are multiplied by this (1 = realistic GPU timings).</summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>Time between demo submissions.</summary>
    public TimeSpan SubmitInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The generator pauses while this many demo jobs are queued or running.</summary>
    public int MaxActiveJobs { get; set; } = 6;

    /// <summary>Share of demo jobs told to fail (0–1).</summary>
    public double FailureRate { get; set; } = 0.1;
}
