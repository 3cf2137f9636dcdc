using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// A stand-in for a ComfyUI that serves its frontend (the real one cannot be installed here): a page at <c>/</c> that
/// tries to set a cookie, a custom node's script and a style sheet, and the Cookie header of the last request it got.
/// </summary>
internal sealed class FrontendInstance : IAsyncDisposable
{
    public const string PageText = "ComfyUI frontend stand-in";
    public const string CookieName = "comfy-instance";

    private readonly WebApplication _app;

    private FrontendInstance(WebApplication app, Uri baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public Uri BaseUrl { get; }

    /// <summary>The Cookie header of the last request (empty when it had none).</summary>
    public string LastCookie { get; private set; } = "";

    public static async Task<FrontendInstance> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FrontendInstance? instance = null;
        app.Use((context, next) =>
        {
            instance!.LastCookie = context.Request.Headers.Cookie.ToString();
            return next(context);
        });
        app.MapGet("/", context =>
        {
            context.Response.Headers.SetCookie = $"{CookieName}=set-by-the-instance; Path=/";
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync($"<!doctype html><title>ComfyUI</title><link rel=stylesheet href=assets/style.css><p>{PageText}</p>", context.RequestAborted);
        });
        app.MapGet("/assets/app.js", context =>
        {
            context.Response.ContentType = "text/javascript";
            return context.Response.WriteAsync("/* a custom node's script */", context.RequestAborted);
        });
        app.MapGet("/assets/style.css", context =>
        {
            context.Response.ContentType = "text/css";
            return context.Response.WriteAsync("p { margin: 0 }", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        instance = new FrontendInstance(app, new Uri($"http://127.0.0.1:{bound.Port}/"));
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
