using AnimeProgress.Core.Notifications;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Components.Pages;
using AnimeProgress.Web.Notifications;
using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Pages;

/// <summary>
/// /profile/notifications' e-mail part with the real subscriptions on SQLite: a person whose account has an address
/// subscribes it and sees it listed; without an address, or while the studio has no e-mail server for this, the page
/// says so in a sentence and offers nothing to press.
/// </summary>
public sealed class MyNotificationsPageTests : HistoryTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private IRenderedComponent<MyNotificationsPage> RenderPage(bool studioServer, string? address)
    {
        var options = new NotificationOptions { PersonalEmailChannel = studioServer ? "studio-mail" : null };
        options.Channels.Add(new ChannelOptions { Name = "studio-mail", Type = "Email", SmtpHost = "mail.studio.example", From = "progress@studio.example", To = "ops@studio.example" });
        Services.AddSingleton(Options.Create(options));
        Services.AddSingleton(Options.Create(new AuditOptions()));
        Services.AddSingleton<AuditLog>();
        Services.AddSingleton<NotificationCatalog>();
        Services.AddSingleton(new DestinationPolicy([]));
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddSingleton<ChannelSecrets>();
        Services.AddSingleton<PersonalEmail>();
        Services.AddSingleton<OutboxSignal>();
        Services.AddScoped<MyJobNotifications>();
        using (var db = NewContext())
        {
            db.Users.Add(new IdentityUser("mika") { NormalizedUserName = "MIKA", Email = address });
            db.SaveChanges();
        }

        Authorization.SetAuthorized("mika");
        Render<MudPopoverProvider>();
        return Render<MyNotificationsPage>();
    }

    [Fact]
    public async Task A_person_with_an_address_subscribes_it_and_sees_it_listed()
    {
        var cut = RenderPage(studioServer: true, address: "mika@studio.example");

        cut.WaitForAssertion(() => Assert.Equal("mika@studio.example", cut.Find("[data-testid=my-email-address]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=my-email-unavailable]"));
        await cut.Find("[data-testid=my-subscribe-email]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("e-mail to mika@studio.example", cut.Find("[data-testid=my-subscription-destination]").TextContent));
        Assert.Equal("job.completed, job.failed", cut.Find("[data-testid=my-subscription-events]").TextContent);
        await using var db = NewContext();
        var channel = await db.NotificationChannels.SingleAsync(Ct);
        Assert.Equal(("Email", "mika", null), (channel.Type, channel.Owner, channel.To));
    }

    [Theory]
    [InlineData(false, "mika@studio.example", PersonalEmail.NoServer)]
    [InlineData(true, null, PersonalEmail.NoAddress)]
    public async Task Without_a_studio_server_or_an_address_the_page_says_why_and_offers_no_e_mail(bool studioServer, string? address, string sentence)
    {
        var cut = RenderPage(studioServer, address);

        cut.WaitForAssertion(() => Assert.Equal(sentence, cut.Find("[data-testid=my-email-unavailable]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=my-subscribe-email]"));
        Assert.Empty(cut.FindAll("[data-testid=my-email-address]"));
        // The webhook part is still there.
        Assert.Single(cut.FindAll("[data-testid=my-subscribe]"));
        await using var db = NewContext();
        Assert.Empty(await db.NotificationChannels.ToListAsync(Ct));
    }
}
