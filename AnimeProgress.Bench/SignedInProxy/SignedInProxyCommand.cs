using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace AnimeProgress.Bench.SignedInProxy;

/// <summary>
/// <c>signed-in-proxy</c>: a loopback reverse proxy (YARP) in front of the app that signs in once through the app's own
/// form and sends that session's cookie with every request it forwards, WebSocket upgrades included, keeping the renewed
/// cookie when the app sets one, as the browser would (<see cref="BrowserCookieJar"/>). The circuit-load
/// tool sends no cookies, so without it every measured viewer would be anonymous; through it every circuit belongs to a
/// signed-in account, which the session sweep then watches. Without <c>--user</c> it forwards untouched, so a run
/// "without sign-in" pays for the same extra hop. <c>--otlp-sink-port</c> also serves a sink that accepts OTLP/HTTP
/// exports, so the app's tracing can run with a collector that costs nothing to speak of.
/// </summary>
internal sealed class SignedInProxyCommand : IBenchCommand
{
    public string Name => "signed-in-proxy";

    public string Usage => "--target URL --port N [--user NAME (password: first line of stdin)] [--otlp-sink-port N]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (Parse(args) is not { } options)
        {
            output.WriteLine($"usage: signed-in-proxy {Usage}");
            return 2;
        }

        BrowserCookieJar? cookie = null;
        if (options.User is { } user)
        {
            var password = Console.In.ReadLine() ?? "";
            cookie = await SessionSignIn.SignInAsync(options.Target, user, password, cancellationToken);
        }

        var sink = new OtlpSink();
        await using var proxy = BuildProxy(options, cookie);
        await using var sinkApp = options.OtlpSinkPort is { } sinkPort ? BuildSink(sinkPort, sink) : null;
        await proxy.StartAsync(cancellationToken);
        if (sinkApp is not null)
        {
            await sinkApp.StartAsync(cancellationToken);
        }

        output.WriteLine(
            $"signed-in-proxy: http://127.0.0.1:{options.Port}/ -> {options.Target} "
            + (cookie is null ? "without a session" : $"as '{options.User}'")
            + (options.OtlpSinkPort is { } p ? $"; OTLP sink on http://127.0.0.1:{p}" : ""));
        await output.FlushAsync(cancellationToken);

        // Runs until SIGTERM (the series script) or Ctrl-C: the host's console lifetime ends it.
        await proxy.WaitForShutdownAsync(cancellationToken);
        if (sinkApp is not null)
        {
            await sinkApp.StopAsync(CancellationToken.None);
            output.WriteLine($"otlp sink: {sink.Requests} exports, {sink.Bytes} bytes");
        }

        return 0;
    }

    private static WebApplication BuildProxy(ProxyOptions options, BrowserCookieJar? cookie)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        RouteConfig[] routes = [new() { RouteId = "all", ClusterId = "app", Match = new RouteMatch { Path = "{**rest}" } }];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = "app",
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["app"] = new() { Address = options.Target.ToString() } },
                HttpRequest = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower },
            },
        ];
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms(context =>
            {
                // The app sees the loopback client and the Host/Origin the client used, exactly as without the proxy.
                context.UseDefaultForwarders = false;
                context.AddOriginalHost(useOriginal: true);
                if (cookie is not null)
                {
                    context.AddRequestTransform(transform =>
                    {
                        transform.ProxyRequest.Headers.Remove("Cookie");
                        transform.ProxyRequest.Headers.TryAddWithoutValidation("Cookie", cookie.Header);
                        return ValueTask.CompletedTask;
                    });
                    context.AddResponseTransform(transform =>
                    {
                        if (transform.ProxyResponse?.Headers.TryGetValues("Set-Cookie", out var renewed) == true)
                        {
                            cookie.Accept(renewed);
                        }

                        return ValueTask.CompletedTask;
                    });
                }
            });
        var app = builder.Build();
        app.UseWebSockets();
        app.MapReverseProxy();
        return app;
    }

    private static WebApplication BuildSink(int port, OtlpSink sink)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/v1/{signal}", (HttpRequest request, CancellationToken ct) => sink.AcceptAsync(request, ct));
        return app;
    }

    internal static ProxyOptions? Parse(string[] args)
    {
        Uri? target = null;
        int? port = null;
        int? sinkPort = null;
        string? user = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            if (value is null)
            {
                return null;
            }

            switch (args[i])
            {
                case "--target" when Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.IsLoopback:
                    target = uri;
                    break;
                case "--port" when TryPort(value, out var p):
                    port = p;
                    break;
                case "--otlp-sink-port" when TryPort(value, out var s):
                    sinkPort = s;
                    break;
                case "--user" when value.Length > 0:
                    user = value;
                    break;
                default:
                    return null;
            }
        }

        return target is null || port is null ? null : new ProxyOptions(target, port.Value, user, sinkPort);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;

    internal sealed record ProxyOptions(Uri Target, int Port, string? User, int? OtlpSinkPort);
}
