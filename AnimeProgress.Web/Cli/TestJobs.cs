using System.Linq.Expressions;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// What makes a job a test job: its title starts with <see cref="TitlePrefix"/>. <c>jobs simulate</c> gives every job
/// it submits that title, <c>jobs check --test</c> lists them and <c>jobs reset</c> deletes them (and nothing else).
/// </summary>
public static class TestJobs
{
    public const string TitlePrefix = "[test] ";

    public static bool IsTest(string? title) => title is not null && title.StartsWith(TitlePrefix, StringComparison.Ordinal);

    /// <summary>
    /// The same test in SQL, exact on both providers: the first characters compared with <c>=</c> (SQLite's
    /// <c>LIKE</c> ignores case, and <c>[</c> means something to some databases' <c>LIKE</c>).
    /// </summary>
    public static readonly Expression<Func<ProductionJobRow, bool>> IsTestRow =
        j => j.Title.Substring(0, TitlePrefix.Length) == TitlePrefix;
}

/// <summary>
/// The model of the <c>jobs simulate</c> host: <c>production_jobs</c> holds only test jobs as far as it can see. Its
/// store then restores (and keeps writing back) only test jobs, never a job another process is running; without
/// this, every job a live dashboard runs would be restored here and written back, stale, every second.
/// </summary>
internal sealed class TestJobsOnlyModelCustomizer(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
{
    public override void Customize(ModelBuilder modelBuilder, DbContext context)
    {
        base.Customize(modelBuilder, context);
        modelBuilder.Entity<ProductionJobRow>().HasQueryFilter(TestJobs.IsTestRow);
    }
}
