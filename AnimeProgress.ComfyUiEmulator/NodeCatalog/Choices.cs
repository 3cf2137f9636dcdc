namespace AnimeProgress.ComfyUiEmulator.NodeCatalog;

/// <summary>Combo option lists: ComfyUI's sampler and scheduler names, and a made-up set of model files.</summary>
internal static class Choices
{
    public static IReadOnlyList<string> Samplers { get; } =
    [
        "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2", "dpm_2_ancestral",
        "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu",
        "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm",
        "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
        "res_multistep_ancestral_cfg_pp", "gradient_estimation", "er_sde", "seeds_2", "seeds_3", "ddim", "uni_pc", "uni_pc_bh2",
    ];

    public static IReadOnlyList<string> Schedulers { get; } =
        ["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic", "kl_optimal"];

    public static IReadOnlyList<string> Checkpoints { get; } =
        ["animagine-xl-4.0.safetensors", "sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"];

    public static IReadOnlyList<string> DiffusionModels { get; } =
        ["hunyuan_video_t2v_720p_bf16.safetensors", "ltx-video-2b-v0.9.5.safetensors", "wan2.1_t2v_14B_fp8_e4m3fn.safetensors"];

    public static IReadOnlyList<string> TextEncoders { get; } =
        ["clip_l.safetensors", "llava_llama3_fp8_scaled.safetensors", "t5xxl_fp8_e4m3fn.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors"];

    public static IReadOnlyList<string> Vaes { get; } =
        ["hunyuan_video_vae_bf16.safetensors", "ltxv_vae.safetensors", "sdxl_vae.safetensors", "wan_2.1_vae.safetensors"];

    public static IReadOnlyList<string> Loras { get; } = ["add_detail.safetensors", "anime_lineart.safetensors"];

    public static IReadOnlyList<string> ControlNets { get; } =
        ["control_v11p_sd15_openpose.pth", "controlnet-union-sdxl-1.0.safetensors"];

    public static IReadOnlyList<string> UpscaleModels { get; } = ["4x-UltraSharp.pth", "RealESRGAN_x4plus_anime_6B.pth"];

    public static IReadOnlyList<string> ClipTypes { get; } =
    [
        "stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv", "pixart", "cosmos", "lumina2", "wan",
        "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image",
    ];

    public static IReadOnlyList<string> VideoFormats { get; } =
        ["image/gif", "image/webp", "video/h264-mp4", "video/h265-mp4", "video/webm", "video/ProRes"];
}
