using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Submission;
using AnimeProgress.Core.Tracking;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration.Memory;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>jobs simulate</c>: the app's own services, headless, with the demo's in-process ComfyUI emulators and without the
/// demo's random jobs. Test jobs are submitted through <see cref="JobSubmitter"/> and travel the product's one live
/// path (ComfyUI protocol → ComfyUiConnection → ProgressTracker → ProgressHub → JobStore), so the rows they leave in
/// <c>production_jobs</c> and <c>progress_history</c> are written exactly as a real job's are.
/// </summary>
internal static class JobsSimulate
{
    public const int DefaultCount = 6;
    public const int DefaultInstances = 2;
    public const double DefaultTimeScale = 0.5;
    public const int DefaultTimeoutSeconds = 300;
    public const string InstanceName = "sim-gpu";

    /// <summary>
    /// On SQLite every process hands out job ids after the highest id it saw at start, so a dashboard running on the
    /// same file would hand out the ids this process hands out, and the two would overwrite each other's rows. Test
    /// jobs there take ids well above everything in the table. (PostgreSQL ids come from the table's sequence.)
    /// </summary>
    public const long IdGap = 1_000_000;

    private static readonly TimeSpan OnlineTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RowsTimeout = TimeSpan.FromSeconds(15);

    public sealed record Settings(int Count, int Instances, int Failures, double TimeScale, TimeSpan Timeout);

    private sealed record TestJob(long Id, string Title, bool ToldToFail);

    public static async Task<int> RunAsync(Settings settings, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(settings, configuration);
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync("jobs simulate: bad configuration: " + ex.Message);
            return 1;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("jobs simulate: interrupted while starting.");
                return 130;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                await error.WriteLineAsync("jobs simulate: bad configuration: " + string.Join(" ", ex.Failures));
                return 1;
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
            {
                await error.WriteLineAsync("jobs simulate: could not start on the configured database: " + JobsDatabase.Reason(ex));
                return 1;
            }

            try
            {
                return await new Run(app.Services, settings, output, error).ExecuteAsync(cancellationToken);
            }
            finally
            {
                // Stopping flushes the store's pending writes; jobs written so far stay.
                await app.StopAsync(CancellationToken.None);
            }
        }
    }

    private static WebApplication Build(Settings settings, IReadOnlyList<string> configuration)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. configuration] });

        // Quiet by default (the command prints the jobs); a --Serilog:... argument still wins.
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        var commandLine = sources.Select((s, i) => (s, i)).LastOrDefault(p => p.s is Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource).i;
        sources.Insert(commandLine > 0 ? commandLine : sources.Count, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Default"] = "Warning",
                ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
            },
        });

        // What simulate is, whatever else the configuration says.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DemoOptions.Section}:Enabled"] = "true",
            [$"{DemoOptions.Section}:{nameof(DemoOptions.GenerateJobs)}"] = "false",
            [$"{DemoOptions.Section}:{nameof(DemoOptions.Instances)}"] = settings.Instances.ToString(CultureInfo.InvariantCulture),
            [$"{DemoOptions.Section}:{nameof(DemoOptions.TimeScale)}"] = settings.TimeScale.ToString(CultureInfo.InvariantCulture),
            [$"{DemoOptions.Section}:{nameof(DemoOptions.InstanceName)}"] = InstanceName,
            // Several nodes on one PostgreSQL elect one to ingest; this process always ingests from its own emulators.
            ["AnimeProgress:Cluster:Enabled"] = "false",
        });

        // Never the dashboard's port (ASPNETCORE_URLS, launchSettings): a free loopback port.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddAnimeProgress();
        // Only the emulators: a ComfyUI machine the configuration names is the dashboard's to watch.
        builder.Services.PostConfigure<ComfyUiOptions>(o => o.Instances.Clear());
        builder.Services.ConfigureDbContext<AnimeProgressDbContext>(o => o.ReplaceService<IModelCustomizer, TestJobsOnlyModelCustomizer>());
        return builder.Build();
    }

    /// <summary>One simulation: submit, follow, wait for the rows.</summary>
    private sealed class Run(IServiceProvider services, Settings settings, TextWriter output, TextWriter error)
    {
        private readonly ProgressHub _hub = services.GetRequiredService<ProgressHub>();
        private readonly ComfyUiFleet _fleet = services.GetRequiredService<ComfyUiFleet>();
        private readonly IDbContextFactory<AnimeProgressDbContext> _contexts = services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        private readonly Channel<JobSnapshot> _changes = Channel.CreateUnbounded<JobSnapshot>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Dictionary<long, TestJob> _jobs = [];
        private readonly Dictionary<long, JobSnapshot> _latest = [];
        private readonly Dictionary<long, (JobStatus, Stage)> _printed = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
        {
            string description;
            await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
            {
                description = JobsDatabase.Describe(db);
                if (!db.Database.IsNpgsql())
                {
                    var highest = await db.ProductionJobs.IgnoreQueryFilters().MaxAsync(j => (long?)j.Id, cancellationToken) ?? 0;
                    services.GetRequiredService<ProgressTracker>().SeedIds(highest + IdGap);
                }
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulating {settings.Count} test jobs ({settings.Failures} told to fail) on {settings.Instances} emulated ComfyUI machines, time scale {settings.TimeScale}, into {description}."));

            using var subscription = _hub.Subscribe((batch, _) => OnBatch(batch), TimeSpan.FromMilliseconds(100));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Timeout);
            var outcome = 0;
            try
            {
                await WaitOnlineAsync(deadline.Token);
                await SubmitAsync(deadline.Token);
                await FollowAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                var unfinished = _jobs.Keys.Count(id => !IsTerminal(id));
                if (cancellationToken.IsCancellationRequested)
                {
                    await error.WriteLineAsync($"Interrupted: cancelling {unfinished} unfinished test job(s) in the emulators.");
                    outcome = 130;
                }
                else
                {
                    await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Timed out after {settings.Timeout.TotalSeconds:0} s with {unfinished} test job(s) unfinished; cancelling them."));
                    outcome = 1;
                }

                await CancelUnfinishedAsync();
            }
            catch (Exception ex) when (ex is ComfyUiRejectedException or HttpRequestException or InvalidOperationException or InvalidDataException)
            {
                await error.WriteLineAsync("jobs simulate: " + ex.Message);
                await CancelUnfinishedAsync();
                outcome = 1;
            }

            if (!await RowsWrittenAsync())
            {
                await error.WriteLineAsync("jobs simulate: the final state of some test jobs did not reach production_jobs in time.");
                outcome = outcome == 0 ? 1 : outcome;
            }

            return await SummarizeAsync(outcome);
        }

        private ValueTask OnBatch(HubBatch batch)
        {
            foreach (var job in batch.Jobs)
            {
                _changes.Writer.TryWrite(job);
            }

            return ValueTask.CompletedTask;
        }

        private async Task WaitOnlineAsync(CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            while (_fleet.Connections.Count < settings.Instances || !_fleet.Connections.All(c => c.IsOnline))
            {
                if (waited.Elapsed > OnlineTimeout)
                {
                    throw new InvalidOperationException($"the emulated ComfyUI machines did not come online within {OnlineTimeout.TotalSeconds:0} s.");
                }

                await Task.Delay(50, cancellationToken);
            }
        }

        private async Task SubmitAsync(CancellationToken cancellationToken)
        {
            var submitter = services.GetRequiredService<JobSubmitter>();
            for (var i = 1; i <= settings.Count; i++)
            {
                // Spread the failures evenly: job i fails when i·F/N crosses a whole number.
                var fails = i * settings.Failures / settings.Count != (i - 1) * settings.Failures / settings.Count;
                var request = Request(i, fails);
                var id = await submitter.SubmitAsync(request, cancellationToken);
                _jobs[id] = new TestJob(id, request.Title, fails);
                await Line($"#{id} submitted: {request.Title}");
            }
        }

        /// <summary>An image, an upscaled key art and a video in turn, with the demo's real graphs.</summary>
        private JobRequest Request(int i, bool fails)
        {
            var seed = Random.Shared.Next();
            var label = $"{TestJobs.TitlePrefix}{i}/{settings.Count}";
            var request = (i % 3) switch
            {
                1 => DemoWorkflows.Image($"{label} · keyframe", 20, seed),
                2 => DemoWorkflows.Video($"{label} · video · 48 frames", 48, 12, seed),
                _ => DemoWorkflows.Upscaled($"{label} · key art, upscaled", 20, seed),
            };
            return fails
                ? request with { Title = request.Title + " · fails", ExtraData = DemoWorkflows.FailNode("8", "Simulated failure (jobs simulate)") }
                : request;
        }

        private async Task FollowAsync(CancellationToken cancellationToken)
        {
            while (!_jobs.Keys.All(IsTerminal))
            {
                var job = await _changes.Reader.ReadAsync(cancellationToken);
                await Observe(job);
            }
        }

        private async Task Observe(JobSnapshot job)
        {
            if (!_jobs.ContainsKey(job.Id) || (_latest.TryGetValue(job.Id, out var seen) && seen.Version > job.Version))
            {
                return;
            }

            _latest[job.Id] = job;
            if (_printed.TryGetValue(job.Id, out var last) && last == (job.Status, job.Stage))
            {
                return;
            }

            _printed[job.Id] = (job.Status, job.Stage);
            var frames = job.FramesTotal is { } total ? $"  frames {job.FramesDone ?? 0}/{total}" : "";
            var eta = job.Status.IsActive() && job.EtaSeconds is not null ? $"  ETA {JobText.Duration(job.EtaSeconds)}" : "";
            var failure = job.Error is null ? "" : $"  {job.Error}";
            await Line(string.Create(CultureInfo.InvariantCulture,
                $"#{job.Id} {job.Status.ToWire(),-10} {job.Stage.DisplayName(),-15} {job.Percent,5:0.0}%{frames}{eta}  {job.Instance}{failure}"));
        }

        private bool IsTerminal(long id) => _latest.TryGetValue(id, out var job) && job.IsTerminal;

        /// <summary>Ctrl+C or the timeout: unfinished jobs are deleted from the queue or interrupted, and recorded as cancelled.</summary>
        private async Task CancelUnfinishedAsync()
        {
            using var budget = new CancellationTokenSource(CleanupTimeout);
            try
            {
                while (_changes.Reader.TryRead(out var change))
                {
                    await Observe(change);
                }

                foreach (var job in _jobs.Keys.Select(id => _latest.GetValueOrDefault(id) ?? _hub.Find(id)).OfType<JobSnapshot>().Where(j => !j.IsTerminal))
                {
                    if (job.Instance is null || job.PromptId is null || _fleet.Find(job.Instance) is not { } connection)
                    {
                        continue;
                    }

                    if (job.Status == JobStatus.Running)
                    {
                        await connection.Http.InterruptAsync(job.PromptId, budget.Token);
                    }
                    else
                    {
                        await connection.Http.DeleteFromQueueAsync([job.PromptId], budget.Token);
                    }
                }

                await FollowAsync(budget.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or ComfyUiRejectedException)
            {
                await error.WriteLineAsync("Some test jobs could not be cancelled; they stay as last recorded.");
            }
        }

        /// <summary>The store writes on its own schedule: wait until every row shows the status the hub has.</summary>
        private async Task<bool> RowsWrittenAsync()
        {
            var waited = Stopwatch.StartNew();
            var ids = _jobs.Keys.ToList();
            while (true)
            {
                var expected = ids.ToDictionary(id => id, id => (_hub.Find(id) ?? _latest.GetValueOrDefault(id))?.Status.ToWire());
                try
                {
                    await using var db = await _contexts.CreateDbContextAsync(CancellationToken.None);
                    var stored = await db.ProductionJobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Status);
                    if (ids.All(id => stored.TryGetValue(id, out var status) && status == expected[id]))
                    {
                        return true;
                    }
                }
                catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
                {
                    // Unreachable for now; the store keeps the writes and retries, and so does this wait.
                    if (waited.Elapsed > RowsTimeout)
                    {
                        await error.WriteLineAsync("jobs simulate: cannot read production_jobs: " + JobsDatabase.Reason(ex));
                        return false;
                    }
                }

                if (waited.Elapsed > RowsTimeout)
                {
                    return false;
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }

        private async Task<int> SummarizeAsync(int outcome)
        {
            var unexpected = new List<string>();
            foreach (var job in _jobs.Values)
            {
                var status = _latest.GetValueOrDefault(job.Id)?.Status;
                var wanted = job.ToldToFail ? JobStatus.Failed : JobStatus.Completed;
                if (status != wanted)
                {
                    unexpected.Add($"#{job.Id} ended {status?.ToWire() ?? "unseen"}, expected {wanted.ToWire()}");
                }
            }

            var counts = string.Join(", ", _jobs.Keys
                .GroupBy(id => _latest.GetValueOrDefault(id)?.Status.ToWire() ?? "unseen")
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{_jobs.Count} test jobs in {_clock.Elapsed.TotalSeconds:0.0} s: {(counts.Length == 0 ? "none submitted" : counts)}. `jobs check --test` lists them, `jobs reset` deletes them."));
            if (outcome == 0 && unexpected.Count > 0)
            {
                await error.WriteLineAsync("jobs simulate: unexpected outcomes: " + string.Join("; ", unexpected));
                return 1;
            }

            return outcome;
        }

        private Task Line(string text) =>
            output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,6:0.0}s  {text}"));
    }
}
