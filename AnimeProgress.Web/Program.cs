using AnimeProgress.Web.Hosting;
using Serilog;

if (args is [HealthProbe.Command, ..])
{
    return await HealthProbe.RunAsync(args.Length > 1 ? args[1] : null, Console.Out);
}

if (AnimeProgress.Web.Cli.CommandLine.IsCommand(args))
{
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted.Cancel();
    };
    return await AnimeProgress.Web.Cli.CommandLine.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
}

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    // `dotnet run` serves MudBlazor's files from the build output in any environment (the framework does this only in
    // Development), so the one-command demo runs as Production: no developer error pages. A published app has no manifest: no-op.
    builder.WebHost.UseStaticWebAssets();
    builder.AddAnimeProgress();
    var app = builder.Build();
    app.UseAnimeProgress();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    // Start-up failures (a bad setting names its key in the message) end the process with a clear reason.
    Log.Fatal(ex, "AnimeProgress stopped: {Reason}", Describe(ex));
    // The configured logger may already be disposed with the host: say it plainly on stderr too.
    await Console.Error.WriteLineAsync("AnimeProgress could not start: " + Describe(ex));
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

static string Describe(Exception ex) => ex switch
{
    Microsoft.Extensions.Options.OptionsValidationException v => string.Join(" ", v.Failures),
    AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
    _ => ex.Message,
};
