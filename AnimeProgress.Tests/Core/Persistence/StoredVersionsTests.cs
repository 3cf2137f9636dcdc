using AnimeProgress.Core.Persistence;

namespace AnimeProgress.Tests.Core.Persistence;

public sealed class StoredVersionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_restart_goes_past_the_stored_version_and_past_any_version_a_crash_left_unwritten()
    {
        // Stored 40, but up to (restart time in ms) may have been published before a crash: the restart goes past both.
        Assert.Equal(Start.ToUnixTimeMilliseconds(), StoredVersions.AfterRestart(40, Start));
        Assert.Equal(Start.ToUnixTimeMilliseconds() + 10, StoredVersions.AfterRestart(Start.ToUnixTimeMilliseconds() + 9, Start));
        Assert.True(StoredVersions.AfterRestart(0, Start) > 0);
    }

    [Fact]
    public void A_row_from_another_node_shows_its_own_version_when_ahead_else_one_past_what_was_shown()
    {
        Assert.Equal(90, StoredVersions.Shown(rowVersion: 90, current: 12));
        Assert.Equal(13, StoredVersions.Shown(rowVersion: 12, current: 12));
        Assert.Equal(13, StoredVersions.Shown(rowVersion: 0, current: 12));
        Assert.Equal(1, StoredVersions.Shown(rowVersion: 0, current: null));
    }
}
