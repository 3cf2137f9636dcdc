using System.Globalization;

namespace AnimeProgress.ComfyUiEmulator.Hosting;

/// <summary>The parsed standalone command line: options to start with, help, or an error to print.</summary>
internal sealed record CommandLineResult(EmulatorOptions? Options, bool ShowHelp, string? Error);

/// <summary>
/// <c>--port N [--host H] [--time-scale X] [--server-version V] [--view-image-bytes N] [--progress-activity]</c>, also as <c>--name=value</c>. Written by hand
/// so the emulator stays free of packages.
/// </summary>
internal static class EmulatorCommandLine
{
    public const string Usage = """
        ComfyUI protocol emulator (ComfyUI 0.3.64 or newer HTTP + WebSocket API, simulated jobs)

        Usage: AnimeProgress.ComfyUiEmulator [--port N] [--host ADDRESS] [--time-scale X] [--server-version 0.3.64|newer]
                                             [--view-image-bytes N] [--progress-activity]

          --port N              TCP port to listen on (default 8188; 0 picks a free port)
          --host ADDRESS        IP address, "localhost" or "*" (default 127.0.0.1)
          --time-scale X        multiplies simulated durations (default 1.0; 0.1 is ten times faster)
          --server-version V    0.3.64 (default) or newer (the job API and other changes of reference §9)
          --view-image-bytes N  size of every output file /view serves (default 0: a small PNG)
          --progress-activity   add the proposed progress_state activity field
          --help                show this text
        """;

    public static CommandLineResult Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                return new CommandLineResult(null, true, null);
            }
            if (arg == "--progress-activity")
            {
                options.ProgressActivity = true;
                continue;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            string? value = equals > 0 ? arg[(equals + 1)..] : null;
            if (name is not ("--port" or "--host" or "--time-scale" or "--server-version" or "--view-image-bytes"))
            {
                return Fail($"Unknown argument '{arg}'.");
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return Fail($"{name} needs a value.");
                }
                value = args[++i];
            }
            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return Fail($"--port must be a number from 0 to 65535, not '{value}'.");
                    }
                    options.Port = port;
                    break;
                case "--host":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return Fail("--host must not be empty.");
                    }
                    options.Host = value;
                    break;
                case "--server-version":
                    switch (value.ToLowerInvariant())
                    {
                        case "0.3.64":
                            options.ServerVersion = ComfyUiServerVersion.Release0364;
                            break;
                        case "newer":
                            options.ServerVersion = ComfyUiServerVersion.Newer;
                            break;
                        default:
                            return Fail($"--server-version must be 0.3.64 or newer, not '{value}'.");
                    }
                    break;
                case "--view-image-bytes":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                        || (bytes != 0 && (bytes < Imaging.OutputImage.MinimumPaddedBytes || bytes > int.MaxValue)))
                    {
                        return Fail($"--view-image-bytes must be 0 or from {Imaging.OutputImage.MinimumPaddedBytes} to {int.MaxValue}, not '{value}'.");
                    }
                    options.ViewImageBytes = bytes;
                    break;
                default:
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) || scale < 0 || double.IsInfinity(scale))
                    {
                        return Fail($"--time-scale must be a non-negative number, not '{value}'.");
                    }
                    options.TimeScale = scale;
                    break;
            }
        }
        return new CommandLineResult(options, false, null);
    }

    private static CommandLineResult Fail(string error) => new(null, false, error);
}
