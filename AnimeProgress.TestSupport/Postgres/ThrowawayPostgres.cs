using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AnimeProgress.TestSupport.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster from the local binaries (initdb/pg_ctl on PATH), for tests and benchmarks.
/// initdb refuses to run as root, so as root (CI) the cluster runs as the postgres user through runuser in a
/// temp folder owned by it. It listens on 127.0.0.1 at a free port with fsync off (data is thrown away), and
/// can be stopped and started again on the same port with the same data, as in a database restart.
/// <para>
/// <see cref="CreateFromEnvironmentAsync"/> uses the server named by <c>ANIMEPROGRESS_TEST_PG</c> instead
/// when it is set: then only databases this instance created are dropped at the end, and stopping or
/// starting the server is not supported (<see cref="CanRestart"/> is false).
/// </para>
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    /// <summary>A connection string to an existing server to use instead of starting one (tests and CI).</summary>
    public const string EnvironmentVariable = "ANIMEPROGRESS_TEST_PG";

    private static readonly bool AsRoot = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string? _directory;
    private readonly string _adminConnectionString;
    private readonly List<string> _databases = [];
    private readonly SemaphoreSlim _control = new(1, 1);
    private int _disposed;

    private ThrowawayPostgres(string serverConnectionString, string? directory, int? port)
    {
        ServerConnectionString = serverConnectionString;
        // Unpooled for our own few statements: a pooled connection would not survive a restart.
        _adminConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString;
        _directory = directory;
        Port = port;
        Running = true;
    }

    /// <summary>The server's maintenance database (<c>postgres</c>) as superuser; create databases from it.</summary>
    public string ServerConnectionString { get; }

    /// <summary>The TCP port of a cluster started here; null for an external server.</summary>
    public int? Port { get; }

    /// <summary>True when this is someone else's server (<c>ANIMEPROGRESS_TEST_PG</c>).</summary>
    public bool IsExternal => _directory is null;

    /// <summary>True when <see cref="StopAsync"/>, <see cref="StartAsync"/> and <see cref="RestartAsync"/> work (a cluster started here).</summary>
    public bool CanRestart => !IsExternal;

    /// <summary>False between <see cref="StopAsync"/> and <see cref="StartAsync"/>.</summary>
    public bool Running { get; private set; }

    /// <summary>The server log of a cluster started here (null for an external server).</summary>
    public string? LogFile => _directory is null ? null : Path.Combine(_directory, "server.log");

    private string DataDirectory => Path.Combine(_directory!, "data");

    /// <summary>Starts a new cluster from the local binaries.</summary>
    public static Task<ThrowawayPostgres> StartNewAsync(CancellationToken cancellationToken) => CreateAsync(null, cancellationToken);

    /// <summary>The server in <c>ANIMEPROGRESS_TEST_PG</c> when it is set, otherwise a new cluster.</summary>
    public static Task<ThrowawayPostgres> CreateFromEnvironmentAsync(CancellationToken cancellationToken) =>
        CreateAsync(Environment.GetEnvironmentVariable(EnvironmentVariable), cancellationToken);

    /// <summary>
    /// Wraps <paramref name="externalServer"/> (a connection string to an existing server, used as is) when it
    /// is given, otherwise starts a new cluster from the local binaries.
    /// </summary>
    public static async Task<ThrowawayPostgres> CreateAsync(string? externalServer, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(externalServer))
        {
            return new ThrowawayPostgres(externalServer, directory: null, port: null);
        }

        var directory = Directory.CreateTempSubdirectory("animeprogress-pg-").FullName;
        try
        {
            if (AsRoot)
            {
                await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false, cancellationToken);
            }

            var port = FreePort();
            var cluster = new ThrowawayPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", directory, port);
            await RunAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], AsRoot, cancellationToken);
            await cluster.PgCtlStartAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    /// <summary>A fresh, empty database on the server, named <paramref name="prefix"/> plus a random suffix; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Stops the server (<c>pg_ctl stop -m fast</c>: open connections are terminated, as in a real restart).
    /// Pools are left alone, as a real restart leaves them: a pooled connection opened before fails on its next
    /// use (57P01), which is what "reconnect after a database restart" tests are about.
    /// </summary>
    /// <exception cref="NotSupportedException">The server is an external one (<see cref="IsExternal"/>).</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfExternal();
        await _control.WaitAsync(cancellationToken);
        try
        {
            if (Running)
            {
                await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], AsRoot, cancellationToken);
                Running = false;
            }
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Starts the stopped server again on the same port with the same data; returns once it accepts connections.</summary>
    /// <exception cref="NotSupportedException">The server is an external one (<see cref="IsExternal"/>).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfExternal();
        await _control.WaitAsync(cancellationToken);
        try
        {
            if (!Running)
            {
                await PgCtlStartAsync(cancellationToken);
            }
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary><see cref="StopAsync"/>, then <see cref="StartAsync"/>.</summary>
    /// <exception cref="NotSupportedException">The server is an external one (<see cref="IsExternal"/>).</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>A cluster started here is stopped and its folder deleted; on an external server the databases created here are dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_directory is null)
            {
                await DropOwnDatabasesAsync();
                return;
            }

            try
            {
                if (Running)
                {
                    await RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], AsRoot, CancellationToken.None);
                    Running = false;
                }
            }
            finally
            {
                TryDelete(_directory);
            }
        }
        finally
        {
            _control.Dispose();
        }
    }

    /// <summary>Someone else's server: leave it as found.</summary>
    private async Task DropOwnDatabasesAsync()
    {
        string[] names;
        lock (_databases)
        {
            names = [.. _databases];
        }

        if (names.Length == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private void ThrowIfExternal()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (IsExternal)
        {
            throw new NotSupportedException(
                $"This PostgreSQL server was not started here ({EnvironmentVariable} names it), so it cannot be stopped or restarted; check {nameof(CanRestart)} and skip the test.");
        }
    }

    private async Task PgCtlStartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync("pg_ctl", [
                "-D", DataDirectory, "-l", LogFile!, "-w", "-t", "60",
                "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                "start"], AsRoot, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}server log ({LogFile}):{Environment.NewLine}{LogTail()}", ex);
        }

        Running = true;
    }

    private string LogTail()
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogFile!).TakeLast(20));
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
        catch (UnauthorizedAccessException)
        {
            return "(unreadable)";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        // pg_ctl start leaves the server holding inherited pipes open; read to the process's exit only.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            var error = await Task.WhenAny(stderr, Task.Delay(1000, CancellationToken.None)) == stderr ? await stderr : "";
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}");
        }

        _ = stdout;
    }
}
