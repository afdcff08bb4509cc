using ExperimentRunner.Core.Paradigm;

namespace ExperimentRunner.Analysis.Design;

/// <summary>What <c>exrun design</c> was asked for (the CLI's flags; null: the paradigm's <c>design:</c> or its default).</summary>
public sealed record DesignOptions
{
    public required string ParticipantId { get; init; }
    public string SessionLabel { get; init; } = "1";
    /// <summary>The plan seed of the first participant (as <c>plan --seed</c>); null: derived as for a session.</summary>
    public ulong? Seed { get; init; }
    /// <summary>How many participants' plans to summarise (1: only <see cref="ParticipantId"/>).</summary>
    public int Participants { get; init; } = 1;
    /// <summary>How many alternative seeds to draw for the first participant (0: no search).</summary>
    public int Search { get; init; }
    public SearchCriterion Criterion { get; init; } = SearchCriterion.MinEfficiency;
    /// <summary>Contrasts given on the command line; when any, they replace the paradigm's.</summary>
    public IReadOnlyList<string> Contrasts { get; init; } = [];
    public double? HighPassS { get; init; }
    public bool? TemporalDerivative { get; init; }
    public double? MaxCorrelation { get; init; }
    public double? MaxVif { get; init; }
}

/// <summary>What makes one draw better than another in <c>--search</c>.</summary>
public enum SearchCriterion
{
    /// <summary>The largest smallest efficiency over the contrasts (no contrast left badly estimated).</summary>
    MinEfficiency,
    /// <summary>The largest mean efficiency over the contrasts.</summary>
    MeanEfficiency,
    /// <summary>The smallest largest VIF over the regressors and runs.</summary>
    MaxVif,
    /// <summary>The smallest largest |r| over the pairs of regressors and runs.</summary>
    MaxCorrelation,
}

/// <summary>The settings in force, after flags and the paradigm's <c>design:</c>.</summary>
public sealed record DesignSettings(double TrS, double HighPassS, bool TemporalDerivative, double MaxCorrelation, double MaxVif,
    IReadOnlyList<ContrastSpec> Contrasts, bool ContrastsDefaulted);

/// <summary>One run of one participant's plan: its matrix and figures.</summary>
public sealed record RunDesign(int Run, RunEvents Events, DesignMatrix Matrix, DesignStats Stats, IReadOnlyList<string> Warnings)
{
    /// <summary>The regressor columns (all but the constant).</summary>
    public IReadOnlyList<string> Regressors => Matrix.Columns.Take(Matrix.Columns.Count - 1).ToList();
}

/// <summary>One participant's plan: each run, and each contrast over all runs together (runs stacked, one constant each).</summary>
public sealed record ParticipantDesign(string ParticipantId, ulong Seed, IReadOnlyList<RunDesign> Runs, IReadOnlyList<ContrastResult> Session)
{
    public IEnumerable<string> Warnings => Runs.SelectMany(r => r.Warnings);
    /// <summary>The largest VIF over runs and regressors (derivatives included).</summary>
    public double MaxVif => Runs.SelectMany(r => r.Stats.Vif).DefaultIfEmpty(1).Max();
    /// <summary>The largest |r| over runs and pairs; 0 with fewer than two regressors.</summary>
    public double MaxAbsCorrelation => Runs.Select(r => DesignCheck.MaxAbsR(r.Stats.Correlation)).DefaultIfEmpty(0).Max();
}

/// <summary>min / median / max of one figure over participants.</summary>
public readonly record struct Spread(double Min, double Median, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return new Spread(double.NaN, double.NaN, double.NaN);
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new Spread(v[0], median, v[^1]);
    }
}

/// <summary>The distribution over participants: each contrast's session efficiency, the largest VIF and |r| of each.</summary>
public sealed record DesignDistribution(int Participants, IReadOnlyList<(string Contrast, Spread Efficiency)> Contrasts,
    Spread MaxVif, Spread MaxAbsCorrelation, int WithWarnings);

/// <summary>The best of the drawn seeds, with the participant's own draw for comparison; nothing is changed.</summary>
public sealed record SearchResult(SearchCriterion Criterion, int Draws, ulong OwnSeed, double OwnScore, ulong BestSeed, double BestScore,
    ParticipantDesign Best, IReadOnlyList<(int Run, string Screen, IReadOnlyList<double> DurationsS)> BestJitter);

/// <summary>Everything <c>exrun design</c> found.</summary>
public sealed record DesignReport(string ParadigmFile, DesignSettings Settings, ParticipantDesign First, DesignDistribution? Distribution,
    SearchResult? Search, IReadOnlyList<string> Notes);

/// <summary>The design check cannot be made for this input; <see cref="NotApplicable"/> when the paradigm has no fMRI runs.</summary>
public sealed class DesignException(string message, bool notApplicable = false) : Exception(message)
{
    public bool NotApplicable { get; } = notApplicable;
}
