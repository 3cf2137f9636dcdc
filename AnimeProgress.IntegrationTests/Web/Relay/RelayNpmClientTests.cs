using System.Diagnostics;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// A ComfyUI client library nobody here wrote (npm's <c>comfy-ui-client</c>, pinned) submits and follows a job through
/// the relay, unchanged apart from its server address, which carries the key since the library sends no headers.
/// </summary>
public sealed class RelayNpmClientTests : IAsyncLifetime
{
    private const string Package = "comfy-ui-client@0.1.2";

    // Uses the library as its README does: connect, getImages (queue the prompt, follow /ws to its end, read /history
    // and fetch each image with /view); it also listens on the library's socket for progress messages.
    private const string Script = """
        const { ComfyUIClient } = require("comfy-ui-client");
        const [server, clientId, graph] = process.argv.slice(2);
        (async () => {
          const client = new ComfyUIClient(server, clientId);
          await client.connect();
          const progress = [];
          client.ws.on("message", (data, isBinary) => {
            if (!isBinary) {
              const message = JSON.parse(data.toString());
              if (message.type === "progress") progress.push(message.data.value + "/" + message.data.max);
            }
          });
          const images = await client.getImages(JSON.parse(graph));
          const files = [];
          for (const [node, list] of Object.entries(images)) {
            for (const item of list) files.push({ node, filename: item.image.filename, bytes: (await item.blob.arrayBuffer()).byteLength });
          }
          await client.disconnect();
          process.stdout.write("RESULT " + JSON.stringify({ progress, files }) + "\n");
          process.exit(0);
        })().catch(error => { console.error(error); process.exit(1); });
        """;

    private RelayTestApp _relay = null!;
    private AppHost _app = null!;
    private string _workDirectory = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _relay = await RelayTestApp.StartAsync(Ct);
        _app = _relay.App;
        _workDirectory = Directory.CreateTempSubdirectory("animeprogress-npm-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        Directory.Delete(_workDirectory, recursive: true);
    }

    [Fact]
    public async Task The_npm_comfy_ui_client_submits_and_follows_a_job_through_the_relay_with_only_its_address_changed()
    {
        var install = await RunAsync("npm", ["install", Package, "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, "npm install failed: " + install.Output);
        await File.WriteAllTextAsync(Path.Combine(_workDirectory, "follow.js"), Script, Ct);
        var key = (await KeyApps.KeyAsync(_app, "pipeline", "Viewer", ApiScope.Read | ApiScope.Submit)).Text;
        var server = $"{_app.BaseAddress.Authority}/comfyui/k/{key}/gpu-1";

        var run = await RunAsync("node", ["follow.js", server, "npm-pipeline", Graphs.TextToImage(steps: 5, seed: 21).ToJsonString()], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, "the client failed: " + run.Output);
        var result = JsonNode.Parse(run.Output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..])!;
        Assert.Equal(["1/5", "2/5", "3/5", "4/5", "5/5"], result["progress"]!.AsArray().Select(p => p!.GetValue<string>()));
        var file = Assert.Single(result["files"]!.AsArray());
        Assert.Equal("7", file!["node"]!.GetValue<string>());
        Assert.True(file["bytes"]!.GetValue<int>() > 0);

        var job = Assert.Single(_app.Hub.Jobs, j => j.SubmittedBy == "pipeline");
        Assert.Equal((JobStatus.Completed, JobSource.AnimeProgress, true), (job.Status, job.Source, job.HasStepDetail));
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = _workDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in {timeout}: {await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
