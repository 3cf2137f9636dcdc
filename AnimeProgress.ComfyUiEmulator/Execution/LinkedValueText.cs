using System.Globalization;

namespace AnimeProgress.ComfyUiEmulator.Execution;

/// <summary>
/// How execution_error's current_inputs show a linked value: ComfyUI prints str() of the Python
/// object (a tensor, a model object), so the emulator prints something of the same kind.
/// </summary>
internal static class LinkedValueText
{
    public static string For(string type, string sourceId)
    {
        var address = string.Create(CultureInfo.InvariantCulture, $"0x7f{(uint)StringComparer.Ordinal.GetHashCode(sourceId) % 0xFFFFFFF:x7}e0");
        return type switch
        {
            "IMAGE" => "tensor([[[[0.1216, 0.1843, 0.3059],\n          ...,\n          [0.4510, 0.3922, 0.2784]]]])",
            "LATENT" => "{'samples': tensor([[[[ 0.0381, -0.0221,  0.1187,  ...]]]])}",
            "CONDITIONING" => "[[tensor([[[-0.3884,  0.0229, -0.0522,  ...]]]), {'pooled_output': tensor([[ 0.0127, -0.7514,  ...]])}]]",
            "MODEL" => $"<comfy.model_patcher.ModelPatcher object at {address}>",
            "CLIP" => $"<comfy.sd.CLIP object at {address}>",
            "VAE" => $"<comfy.sd.VAE object at {address}>",
            "SIGMAS" => "tensor([14.6146, 10.7468,  8.0815,  ...,  0.0292,  0.0000])",
            _ => $"<{type.ToLowerInvariant()} object at {address}>",
        };
    }
}
