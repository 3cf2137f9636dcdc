using System.Globalization;
using System.Text.Json.Nodes;

namespace AnimeProgress.ComfyUiEmulator.Devices;

/// <summary>The GET /system_stats document of a CUDA machine running ComfyUI 0.3.64, or the newer server of reference §9.</summary>
internal sealed class SystemStats(EmulatorOptions options, VramMeter vram)
{
    public const string ComfyUiVersion = "0.3.64";

    /// <summary>What the newer generation reports (a comfyui_version.py of the newer code in the public index).</summary>
    public const string NewerComfyUiVersion = "0.38.1";

    public JsonObject Build()
    {
        var (ramTotal, ramFree) = Ram();
        var (vramFree, torchTotal, torchFree) = vram.Read();
        var stats = new JsonObject
        {
            ["system"] = new JsonObject
            {
                ["os"] = "posix",
                ["ram_total"] = ramTotal,
                ["ram_free"] = ramFree,
                ["comfyui_version"] = ComfyUiVersion,
                ["required_frontend_version"] = "1.27.10",
                ["installed_templates_version"] = "0.1.95",
                ["required_templates_version"] = "0.1.95",
                ["python_version"] = "3.12.3 (main, Aug 14 2025, 17:47:21) [GCC 13.3.0]",
                ["pytorch_version"] = "2.8.0+cu128",
                ["embedded_python"] = false,
                ["argv"] = new JsonArray("main.py", "--listen", options.Host, "--port", options.Port.ToString(CultureInfo.InvariantCulture)),
            },
            ["devices"] = new JsonArray(new JsonObject
            {
                ["name"] = options.DeviceName,
                ["type"] = "cuda",
                ["index"] = 0,
                ["vram_total"] = vram.TotalBytes,
                ["vram_free"] = vramFree,
                ["torch_vram_total"] = torchTotal,
                ["torch_vram_free"] = torchFree,
            }),
        };
        return options.ServerVersion == ComfyUiServerVersion.Newer ? Newer(stats) : stats;
    }

    /// <summary>
    /// Newer servers: <c>os</c> is sys.platform, and comfy_package_versions and deploy_environment are added in their
    /// places. devices lists every torch device, primary first; this machine has one.
    /// </summary>
    private static JsonObject Newer(JsonObject stats)
    {
        var old = stats["system"]!.AsObject();
        var system = new JsonObject();
        foreach (var (key, value) in old.ToList())
        {
            old.Remove(key);
            system[key] = key switch
            {
                "os" => "linux",
                "comfyui_version" => NewerComfyUiVersion,
                // Package versions of that generation's era; made up, but consistent with comfy_package_versions.
                "required_frontend_version" => "1.42.15",
                "installed_templates_version" or "required_templates_version" => "0.9.44",
                _ => value,
            };
            if (key == "required_templates_version")
            {
                system["comfy_package_versions"] = new JsonArray(
                    Package("comfyui-frontend-package", "1.42.15"),
                    Package("comfyui-workflow-templates", "0.9.44"),
                    Package("comfyui-embedded-docs", "0.4.3"));
            }
            if (key == "embedded_python")
            {
                // The default when no .comfy_environment file names another (comfy/deploy_environment.py).
                system["deploy_environment"] = "local-git";
            }
        }
        stats["system"] = system;
        return stats;
    }

    private static JsonObject Package(string name, string version) =>
        new() { ["name"] = name, ["installed"] = version, ["required"] = version };

    /// <summary>The host's real RAM when /proc/meminfo is there, otherwise what the GC sees.</summary>
    private static (long Total, long Free) Ram()
    {
        try
        {
            long total = 0, available = 0;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    total = Kilobytes(line);
                }
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    available = Kilobytes(line);
                }
            }
            if (total > 0)
            {
                return (total, available);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        var info = GC.GetGCMemoryInfo();
        return (info.TotalAvailableMemoryBytes, Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes));
    }

    private static long Kilobytes(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }
}
