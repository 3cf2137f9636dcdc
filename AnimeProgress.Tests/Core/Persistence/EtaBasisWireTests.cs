using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence;
using CsCheck;

namespace AnimeProgress.Tests.Core.Persistence;

/// <summary>production_jobs.eta_basis: what the leader writes, every follower reads back as the same basis.</summary>
public sealed class EtaBasisWireTests
{
    [Fact]
    public void The_words_are_snake_case_runs_alike_method() =>
        Assert.Equal("12 workflow_on_machine stage_by_stage", EtaBasisWire.ToWire(new EtaBasis(12, EtaRunsAlike.WorkflowOnMachine, EtaMethod.StageByStage)));

    [Fact]
    public void Every_basis_reads_back_as_itself() =>
        Gen.Select(Gen.Int[0, 100_000], Gen.Enum<EtaRunsAlike>(), Gen.Enum<EtaMethod>())
            .Sample((runs, alike, method) =>
            {
                var basis = new EtaBasis(runs, alike, method);
                Assert.Equal(basis, EtaBasisWire.FromWire(EtaBasisWire.ToWire(basis)));
            });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("12 workflow")]
    [InlineData("-3 workflow typical_run")]
    [InlineData("x workflow typical_run")]
    [InlineData("12 workflow typical_run extra")]
    [InlineData("12 nonsense typical_run")]
    [InlineData("12 workflow 3")]
    [InlineData("12 workflow typical_run,stage_by_stage")]
    [InlineData("99999999999 workflow typical_run")]
    public void Anything_else_another_program_wrote_reads_as_no_basis(string? text) =>
        Assert.Null(EtaBasisWire.FromWire(text));

    [Fact]
    public void No_basis_is_stored_as_null() => Assert.Null(EtaBasisWire.ToWire(null));
}
