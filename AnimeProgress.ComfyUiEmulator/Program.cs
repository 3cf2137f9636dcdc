using System.Runtime.InteropServices;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.ComfyUiEmulator.Hosting;
using Microsoft.Extensions.Logging;

// Standalone: dotnet run --project AnimeProgress.ComfyUiEmulator -- --port 8188 [--host 127.0.0.1] [--time-scale 1.0]
var parsed = EmulatorCommandLine.Parse(args);
if (parsed.ShowHelp)
{
    Console.WriteLine(EmulatorCommandLine.Usage);
    return 0;
}
if (parsed.Options is null)
{
    await Console.Error.WriteLineAsync(parsed.Error);
    await Console.Error.WriteLineAsync(EmulatorCommandLine.Usage);
    return 2;
}

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});

await using var server = await ComfyUiEmulatorServer.StartAsync(parsed.Options, logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning), CancellationToken.None);
Console.WriteLine($"ComfyUI emulator listening on {server.BaseUrl} (time scale {parsed.Options.TimeScale}); Ctrl+C stops it.");
await stop.Task;
await server.StopAsync();
return 0;
