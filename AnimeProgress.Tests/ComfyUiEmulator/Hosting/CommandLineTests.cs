using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.ComfyUiEmulator.Hosting;

namespace AnimeProgress.Tests.ComfyUiEmulator.Hosting;

/// <summary>The standalone command line: --port, --host, --time-scale.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_give_the_comfyui_defaults()
    {
        var result = EmulatorCommandLine.Parse([]);

        Assert.NotNull(result.Options);
        Assert.Equal(8188, result.Options.Port);
        Assert.Equal("127.0.0.1", result.Options.Host);
        Assert.Equal(1.0, result.Options.TimeScale);
    }

    [Theory]
    [InlineData("--port 9000 --host 0.0.0.0 --time-scale 0.25")]
    [InlineData("--port=9000 --host=0.0.0.0 --time-scale=0.25")]
    public void Port_host_and_time_scale_are_read_in_either_form(string commandLine)
    {
        var result = EmulatorCommandLine.Parse(commandLine.Split(' '));

        Assert.Null(result.Error);
        Assert.Equal(9000, result.Options!.Port);
        Assert.Equal("0.0.0.0", result.Options.Host);
        Assert.Equal(0.25, result.Options.TimeScale);
    }

    [Theory]
    [InlineData("--port 70000", "--port")]
    [InlineData("--port abc", "--port")]
    [InlineData("--time-scale -1", "--time-scale")]
    [InlineData("--time-scale", "needs a value")]
    [InlineData("--verbose", "Unknown argument")]
    public void Bad_arguments_are_rejected_with_a_message(string commandLine, string expected)
    {
        var result = EmulatorCommandLine.Parse(commandLine.Split(' '));

        Assert.Null(result.Options);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_server_version_is_0_3_64()
    {
        Assert.Equal(ComfyUiServerVersion.Release0364, EmulatorCommandLine.Parse([]).Options!.ServerVersion);
    }

    [Theory]
    [InlineData("--server-version newer", ComfyUiServerVersion.Newer)]
    [InlineData("--server-version=0.3.64", ComfyUiServerVersion.Release0364)]
    public void The_server_version_is_read(string commandLine, ComfyUiServerVersion expected)
    {
        Assert.Equal(expected, EmulatorCommandLine.Parse(commandLine.Split(' ')).Options!.ServerVersion);
    }

    [Fact]
    public void View_image_bytes_and_progress_activity_are_read()
    {
        var options = EmulatorCommandLine.Parse(["--view-image-bytes", "20000000", "--progress-activity"]).Options!;

        Assert.Equal(20_000_000, options.ViewImageBytes);
        Assert.True(options.ProgressActivity);
    }

    [Theory]
    [InlineData("--server-version 0.4", "--server-version")]
    [InlineData("--view-image-bytes 10", "--view-image-bytes")]
    public void Bad_generation_options_are_rejected(string commandLine, string expected)
    {
        Assert.Contains(expected, EmulatorCommandLine.Parse(commandLine.Split(' ')).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_is_recognised()
    {
        Assert.True(EmulatorCommandLine.Parse(["--help"]).ShowHelp);
        Assert.Contains("--time-scale", EmulatorCommandLine.Usage, StringComparison.Ordinal);
    }
}
