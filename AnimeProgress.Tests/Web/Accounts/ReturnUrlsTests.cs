using AnimeProgress.Web.Accounts;

namespace AnimeProgress.Tests.Web.Accounts;

public sealed class ReturnUrlsTests
{
    [Theory]
    [InlineData("/history?status=failed", "/history?status=failed")]
    [InlineData("/jobs/42", "/jobs/42")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/login", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("history", "/")]
    [InlineData("/a\r\nSet-Cookie: x=1", "/")]
    public void Only_a_path_of_this_app_is_a_place_to_return_to(string? given, string expected) => Assert.Equal(expected, ReturnUrls.Safe(given));
}
