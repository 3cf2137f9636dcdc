using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Estimation;

/// <summary>
/// The estimate for one running job. It keeps the job's stage visits, how percent grew inside
/// each, and its recent speed, and from them computes three candidates (<see cref="EtaCandidate"/>):
/// stage-aware (each comparable finished run from history: where that run was at the same point,
/// same stage visit and percent done inside it, how much of it was left from there, and how much
/// faster or slower this job is going), linear, and the job's own pace. The graph's percent is
/// often not time (loading and video encoding take long for few percent), sometimes it is; which
/// candidate to trust, and how wide the range must be, <see cref="EtaBlend"/> learns from how each
/// did on the workflow's finished runs (<see cref="CandidateScorecard"/>). To that end the
/// estimator samples all candidates along the run; the samples travel with the finished run into
/// history. Without history and before a little progress it says nothing. Single-threaded; pure:
/// the clock is whatever the caller passes.
/// </summary>
internal sealed class StageAwareJobEstimator : IJobEstimator
{
    /// <summary>Below this much progress and running time, an estimate without history is a guess: none is given.</summary>
    internal const double MinPercentWithoutHistory = 2;
    internal const double MinSecondsWithoutHistory = 5;

    // Pseudo-seconds of "runs like history" that the job's own measured speed must outweigh, as a
    // share of the compared run's time (so a short image job learns as fast as a long video).
    private const double PriorShare = 0.02;

    // The same inside the current stage visit, as a share of that visit in the compared run.
    private const double StagePriorShare = 0.02;

    // Recent speed against the stage's average speed (the average keeps one lucky or slow step
    // from swinging the estimate).
    private const double RecentWeight = 0.6;

    // A stall (no progress for longer than the stage's usual pace) neither freezes the estimate
    // nor stretches it without end: the work left keeps the working speed, and the stall so far
    // adds this share of itself as the wait still to come.
    private const double StallWeight = 0.5;

    // Percentage points by which stage boundaries may differ before a run stops looking like the same graph.
    private const double ShapeScale = 3;

    // Samples of the candidates' predictions kept per run (spread evenly over a typical run's length).
    private const int SamplesPerRun = 40;

    private const int MaxCurvePoints = 64;
    private const double MaxSeconds = 2 * 24 * 3600;

    private static readonly int StageCount = Enum.GetValues<Stage>().Length;

    private readonly DateTimeOffset _startedAt;
    private readonly HistoryPrior _prior;
    private readonly List<RunSegment> _closed = [];
    private readonly int[] _visits = new int[StageCount];

    private Stage _stage = Stage.Initializing;
    private double _segmentStart;
    private double _segmentStartPercent;
    private List<(double Seconds, double Done)> _curve = [];
    private double _percent;
    private double _lastSeconds;
    private double _lastProgress;
    private const double MinimumRateSeconds = 2;

    private DecayingRate _overall = new(20);
    private DecayingRate _segmentFast = new(12);
    private DecayingRate _segmentSlow = new(45);
    private double _segmentInterval;
    private int _segmentIncrements;
    private double _paceFromPercent;
    private double _paceSeconds;
    private double _pausedSeconds;

    private readonly CandidateScorecard _scorecard;
    private readonly List<RunSample> _samples = [];
    private readonly double _sampleEvery;
    private double _nextSample;

    public StageAwareJobEstimator(DateTimeOffset runStartedAt, HistoryPrior prior)
    {
        _startedAt = runStartedAt;
        _prior = prior;
        _visits[(int)_stage] = 1;
        _scorecard = CandidateScorecard.From(prior.ScoringRuns);
        // Without history, every second at first.
        _sampleEvery = prior.MedianRunSeconds is { } typical ? Math.Max(0.25, typical / SamplesPerRun) : 0;
        _nextSample = _sampleEvery > 0 ? _sampleEvery : 1;
    }

    public void Observe(DateTimeOffset at, double percent, Stage stage)
    {
        var seconds = Math.Max(_lastSeconds, (at - _startedAt).TotalSeconds);
        if (!IsRunStage(stage))
        {
            stage = _stage;
        }

        percent = double.IsFinite(percent) ? Math.Clamp(percent, 0, 100) : _percent;
        var delta = percent - _percent;
        if (delta > 1e-9)
        {
            // The increment seen with a stage change belongs to the stage that just ended (its node finished).
            // Quiet time beyond the stage's usual pace was a stall: it is counted once, as a pause, not as slowness.
            var quiet = seconds - _lastProgress;
            var stall = _segmentIncrements > 0 ? Math.Max(0, quiet - UsualGap()) : 0;
            _pausedSeconds += stall;
            _overall.Add(quiet - stall, delta);
            if (_segmentIncrements == 0)
            {
                // A stage's first increment comes after its start-up (the model moving to the GPU,
                // latents being prepared), which says nothing about its pace: pace counts from here.
                _paceFromPercent = percent;
                _paceSeconds = 0;
                _segmentInterval = seconds - _segmentStart;
            }
            else
            {
                var interval = quiet - stall;
                _segmentFast.Add(interval, delta);
                _segmentSlow.Add(interval, delta);
                _paceSeconds += interval;
                _segmentInterval = _segmentIncrements == 1 ? interval : 0.7 * _segmentInterval + 0.3 * interval;
            }

            _segmentIncrements++;
            _lastProgress = seconds;
            _percent = percent;
            AddCurvePoint(seconds - _segmentStart, percent - _segmentStartPercent);
        }

        if (stage != _stage)
        {
            _closed.Add(new RunSegment(_stage, _segmentStart, seconds, _segmentStartPercent, _percent, new SegmentCurve(_curve)));
            _stage = stage;
            _visits[(int)stage]++;
            _segmentStart = seconds;
            _segmentStartPercent = _percent;
            _curve = [];
            _segmentFast = new DecayingRate(12);
            _segmentSlow = new DecayingRate(45);
            _segmentInterval = 0;
            _segmentIncrements = 0;
        }

        _lastSeconds = seconds;
        if (seconds >= _nextSample && _percent < 100)
        {
            // What every candidate says now is scored against the truth once the run has finished.
            var etas = Candidates(seconds);
            var blended = Blend(seconds, etas);
            var where = Where(seconds);
            _samples.Add(new RunSample(seconds, etas, blended?.Point, blended?.Spread, _percent, Stalled(seconds), where.Paused, where.Quiet));
            // Evenly over a typical run; a run that goes on far longer is sampled more sparsely.
            _nextSample = seconds + Math.Max(_sampleEvery > 0 ? _sampleEvery : 1, seconds / SamplesPerRun);
        }
    }

    public Estimate EstimateAt(DateTimeOffset now)
    {
        var seconds = Math.Max(_lastSeconds, (now - _startedAt).TotalSeconds);
        // Shown only once measured over a couple of seconds: a cached start jumps tens of percent in
        // milliseconds, which would otherwise read as millions of percent per minute.
        var rate = _overall.Seconds >= MinimumRateSeconds ? _overall.PerSecond(Stalled(seconds)) * 60 : null;
        var trend = Trend(seconds);
        if (_percent >= 100)
        {
            return new Estimate(rate, trend, 0, 0, 0, EtaBasisOf.Estimate(_prior, null));
        }

        var eta = Blend(seconds, Candidates(seconds));
        return eta is { } e
            ? new Estimate(rate, trend, Cap(e.Point), Cap(Math.Min(e.Low, e.Point)), Cap(Math.Max(e.High, e.Point)), EtaBasisOf.Estimate(_prior, e.Leading))
            : new Estimate(rate, trend, null, null, null, EtaBasisOf.Estimate(_prior, null));
    }

    /// <summary>Every candidate's remaining time at <paramref name="seconds"/> into the run.</summary>
    internal CandidateEtas Candidates(double seconds)
    {
        var ownPace = FromOwnSpeed(seconds);
        if (_prior.Runs.Count == 0 && ownPace is null)
        {
            // Without history and with too little progress, any number would be a guess.
            return default;
        }

        double? linear = _percent > 0 ? seconds * (100 - _percent) / _percent : null;
        return new CandidateEtas(FromHistory(seconds), linear, ownPace);
    }

    /// <summary>The candidates blended by how each did on the compared runs where it said much the same.</summary>
    private BlendedEta? Blend(double seconds, CandidateEtas etas) =>
        etas.Any ? EtaBlend.Combine(Where(seconds), etas, _scorecard) : null;

    /// <summary>Where the job is, as the scorecard compares it with the samples of finished runs.</summary>
    private ScorecardPoint Where(double seconds)
    {
        var stalled = Stalled(seconds);
        return new ScorecardPoint(seconds, _percent, stalled > 0, _pausedSeconds + stalled, (seconds - _lastProgress) / UsualGap());
    }

    /// <summary>This run as history keeps it, ended at <paramref name="runSeconds"/> with 100 %.</summary>
    public RunRecord ToRunRecord(double runSeconds)
    {
        var segments = new List<RunSegment>(_closed.Count + 1);
        foreach (var segment in _closed)
        {
            if (segment.StartSeconds < runSeconds)
            {
                segments.Add(segment with { EndSeconds = Math.Min(segment.EndSeconds, runSeconds) });
            }
        }

        var start = Math.Min(_segmentStart, runSeconds);
        var startPercent = Math.Min(_segmentStartPercent, 100);
        // The last node finishing takes the job to 100 % at the very end.
        var curve = new List<(double Seconds, double Done)>(_curve) { (runSeconds - start, 100 - startPercent) };
        segments.Add(new RunSegment(_stage, start, runSeconds, startPercent, 100, new SegmentCurve(curve)));
        return new RunRecord(segments, runSeconds, _samples.Where(s => s.Seconds < runSeconds).ToArray(), _startedAt.AddSeconds(runSeconds), _prior.Level);
    }

    private static bool IsRunStage(Stage stage) => stage is Stage.Initializing or Stage.Processing or Stage.Rendering or Stage.PostProcessing or Stage.Finalizing;

    private static double Cap(double seconds) => Math.Clamp(seconds, 0, MaxSeconds);

    private void AddCurvePoint(double seconds, double done)
    {
        _curve.Add((seconds, done));
        if (_curve.Count > MaxCurvePoints)
        {
            // Bounded memory for nodes that report every frame: keep every other point and the last.
            var kept = new List<(double Seconds, double Done)>(MaxCurvePoints / 2 + 1);
            for (var i = 1; i < _curve.Count; i += 2)
            {
                kept.Add(_curve[i]);
            }

            if (kept[^1] != _curve[^1])
            {
                kept.Add(_curve[^1]);
            }

            _curve = kept;
        }
    }

    /// <summary>
    /// Seconds without progress beyond the stage's usual pace between increments: lumpy progress
    /// is not a stall, a pause is.
    /// </summary>
    private double Stalled(double seconds) => Math.Max(0, seconds - _lastProgress - UsualGap());

    private double UsualGap() => _segmentIncrements > 0 ? 1.5 * _segmentInterval + 1 : 1;

    /// <summary>How much slower than its own stage average the job is going lately (below 1: faster).</summary>
    private double Velocity()
    {
        if (_segmentIncrements < 3 || _paceSeconds <= 0 || _segmentFast.PerSecond() is not { } recent || recent <= 0)
        {
            return 1;
        }

        var average = (_percent - _paceFromPercent) / _paceSeconds;
        return Math.Clamp(average / recent, 0.25, 4);
    }

    private RateTrend Trend(double seconds)
    {
        if (_segmentIncrements < 4 || _paceSeconds < 5)
        {
            return RateTrend.Unknown;
        }

        var stalled = Stalled(seconds);
        if (_segmentFast.PerSecond(stalled) is not { } fast || _segmentSlow.PerSecond(stalled) is not { } slow || slow <= 0)
        {
            return RateTrend.Unknown;
        }

        var ratio = fast / slow;
        return ratio > 1.12 ? RateTrend.SpeedingUp : ratio < 0.89 ? RateTrend.SlowingDown : RateTrend.Steady;
    }

    /// <summary>The stage-aware candidate: the weighted median of what the compared runs say is left.</summary>
    private double? FromHistory(double seconds)
    {
        if (_prior.Runs.Count == 0)
        {
            return null;
        }

        var inSegment = seconds - _segmentStart;
        var done = _percent - _segmentStartPercent;
        var quiet = seconds - _lastProgress;
        var velocity = Velocity();
        var pause = StallWeight * Stalled(seconds);
        var visit = _visits[(int)_stage];
        var values = new List<double>(_prior.Runs.Count);
        var weights = new List<double>(_prior.Runs.Count);
        foreach (var run in _prior.Runs)
        {
            var index = run.IndexOfVisit(_stage, visit);
            if (index < 0)
            {
                continue;
            }

            var match = run.Segments[index];
            var (ownBefore, theirsBefore, ownLoading, theirLoading, shape) = Evidence(run);
            var prior = PriorShare * run.TotalSeconds + 0.5;
            var before = (ownBefore + prior) / (theirsBefore + prior);
            var rest = Math.Max(0, run.TotalSeconds - match.EndSeconds);
            // Runs that loaded like this one (cold or warm caches) are the better guide.
            var alike = Alike(ownLoading, theirLoading);
            if (_segmentIncrements > 0 && done > 0 && match.Curve is { Count: > 0 } curve)
            {
                // The job's position inside the stage is known: where the other run had done as much.
                var at = curve.TimeAt(done);
                var (own, theirs) = _segmentIncrements >= 2
                    ? (_paceSeconds, at - curve.TimeAt(_paceFromPercent - _segmentStartPercent))
                    : (_lastProgress - _segmentStart, at);
                theirs = Math.Max(0, theirs);

                // Loading runs at the disk's and cache's speed, not the GPU's: it learns only from itself.
                var stagePrior = StagePriorShare * match.Seconds + 0.25;
                var baseline = _stage == Stage.Initializing ? 1 : before;
                var evidence = own / (own + stagePrior);
                var speed = (own + stagePrior * baseline) / (theirs + stagePrior) * Math.Pow(velocity, RecentWeight * evidence);
                var next = curve.NextAfter(done) ?? match.Seconds;
                // Between increments the estimate counts down towards the next one, not past it.
                var inStage = Math.Max(0, (match.Seconds - at) * speed - Math.Min(quiet, Math.Max(0, next - at) * speed));

                var ahead = _stage == Stage.Initializing
                    ? before
                    : (ownBefore + own + prior) / (theirsBefore + theirs + prior) * Math.Pow(velocity, 0.5 * RecentWeight * evidence);
                values.Add(inStage + ahead * rest + pause);
                weights.Add(shape);
            }
            else
            {
                // Only time tells where the job is in this stage: what is left of it given how long
                // it has lasted, and how likely this run's stage was to last that long at all.
                var expected = match.Seconds * (_stage == Stage.Initializing ? 1 : before);
                var inStage = Math.Max(expected - inSegment, 0.1 * expected + 0.2 * Math.Max(0, inSegment - expected));
                values.Add(inStage + before * rest);
                weights.Add(shape * alike * Outlasting(inSegment, expected));
            }
        }

        if (values.Count == 0)
        {
            return null;
        }

        return Quantiles.Weighted(values, weights, 0.5)[0];
    }

    /// <summary>
    /// How likely a stage expected to take <paramref name="expected"/> seconds is to last
    /// <paramref name="elapsed"/> seconds or more, allowing ±30 % run-to-run noise (a logistic
    /// stand-in for the log-normal tail).
    /// </summary>
    private static double Outlasting(double elapsed, double expected)
    {
        if (elapsed <= 0 || expected <= 0)
        {
            return 1;
        }

        var z = Math.Log(elapsed / expected) / 0.3;
        return Math.Max(0.01, 1 / (1 + Math.Exp(1.702 * z)));
    }

    /// <summary>How alike two loading times are: 1 for equal, small for cold caches against warm ones.</summary>
    private static double Alike(double ownLoading, double theirLoading)
    {
        if (ownLoading <= 0 && theirLoading <= 0)
        {
            return 1;
        }

        var z = Math.Log((ownLoading + 0.5) / (theirLoading + 0.5)) / 0.5;
        return Math.Max(0.01, Math.Exp(-0.5 * z * z));
    }

    /// <summary>
    /// Compares this job's finished stage visits with the same visits of <paramref name="run"/>:
    /// seconds on the GPU stages, seconds loading apart (disk and cache, not the GPU's speed), and
    /// how alike the two graphs look (1 when every visit ended at the same percent, as it does for
    /// the same workflow; small for another pipeline found through the broader history levels).
    /// </summary>
    private (double Own, double Theirs, double OwnLoading, double TheirLoading, double Shape) Evidence(RunRecord run)
    {
        double own = 0, theirs = 0, ownLoading = 0, theirLoading = 0, distance = 0;
        Span<int> visits = stackalloc int[StageCount];
        foreach (var segment in _closed)
        {
            var visit = ++visits[(int)segment.Stage];
            var index = run.IndexOfVisit(segment.Stage, visit);
            if (index < 0)
            {
                distance += 10;
                continue;
            }

            var theirSegment = run.Segments[index];
            if (double.IsFinite(theirSegment.EndPercent))
            {
                distance += Math.Abs(segment.EndPercent - theirSegment.EndPercent);
            }

            if (segment.Stage == Stage.Initializing)
            {
                ownLoading += segment.Seconds;
                theirLoading += theirSegment.Seconds;
            }
            else
            {
                own += segment.Seconds;
                theirs += theirSegment.Seconds;
            }
        }

        return (own, theirs, ownLoading, theirLoading, Math.Max(0.02, Math.Exp(-distance / ShapeScale)));
    }

    /// <summary>The own-pace candidate: the work left at the job's speed (recent blended with average, pauses left out).</summary>
    private double? FromOwnSpeed(double seconds)
    {
        if (_percent < MinPercentWithoutHistory || seconds < MinSecondsWithoutHistory)
        {
            return null;
        }

        var recent = _overall.PerSecond() ?? 0;
        var average = _percent / Math.Max(_lastProgress - _pausedSeconds, 1);
        var rate = RecentWeight * recent + (1 - RecentWeight) * average;
        if (rate <= 1e-6)
        {
            return null;
        }

        var left = 100 - _percent;
        var pause = StallWeight * Stalled(seconds);
        // Between increments the work left shrinks although percent does not show it yet: count down
        // through the usual gap (beyond it, the wait is a stall and counted as one).
        var countdown = Math.Min(seconds - _lastProgress, UsualGap());
        return Math.Max(left / rate - countdown, 0.1 * left / rate) + pause;
    }
}
