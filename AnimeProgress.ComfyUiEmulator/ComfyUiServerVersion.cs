namespace AnimeProgress.ComfyUiEmulator;

/// <summary>Which ComfyUI generation the emulator answers as (reference §0 and §9).</summary>
public enum ComfyUiServerVersion
{
    /// <summary>ComfyUI 0.3.64, the version run and recorded for the reference: no job API, any prompt_id accepted.</summary>
    Release0364 = 0,

    /// <summary>
    /// The newer server of reference §9 (reports 0.38.1): /api/jobs, canonical-UUID prompt ids, extra_data.create_time,
    /// missing_node_type, the newer /system_stats and feature flags, and 403 for cross-site requests.
    /// </summary>
    Newer = 1,
}
