using AnimeProgress.Web.Hosting;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAnimeProgress();
    var app = builder.Build();
    app.UseAnimeProgress();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    // Start-up failures (a bad setting names its key in the message) end the process with a clear reason.
    Log.Fatal(ex, "AnimeProgress stopped: {Reason}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
