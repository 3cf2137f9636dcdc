using AnimeProgress.Bench;

// Each benchmark is a command; add yours to this list.
IBenchCommand[] commands =
[
    new AnimeProgress.Bench.Eta.EtaCommand(),
    new AnimeProgress.Bench.WebSocketLoad.WebSocketLoadCommand(),
    new AnimeProgress.Bench.ListenLatency.ListenLatencyCommand(),
    new AnimeProgress.Bench.JobMemory.JobMemoryCommand(),
    new AnimeProgress.Bench.Fuzz.FuzzCommand(),
    new AnimeProgress.Bench.SignedInProxy.SignedInProxyCommand(),
    new AnimeProgress.Bench.NotificationDelivery.NotificationDeliveryCommand(),
    new AnimeProgress.Bench.FleetQueue.FleetQueueCommand(),
    new AnimeProgress.Bench.RelayLoad.RelayLoadCommand(),
    new AnimeProgress.Bench.RelayConformance.RelayConformanceCommand(),
    new AnimeProgress.Bench.HistoryScale.HistoryScaleCommand(),
    new AnimeProgress.Bench.BrowserLatency.BrowserLatencyCommand(),
];

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var command = args.Length > 0 ? commands.FirstOrDefault(c => c.Name == args[0]) : null;
if (command is null)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project AnimeProgress.Bench -- <command> [options]");
    foreach (var c in commands)
    {
        Console.Error.WriteLine($"  {c.Name,-10} {c.Usage}");
    }

    return 2;
}

return await command.RunAsync(args[1..], Console.Out, cancel.Token);
