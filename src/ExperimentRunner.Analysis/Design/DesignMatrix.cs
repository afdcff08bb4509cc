namespace ExperimentRunner.Analysis.Design;

/// <summary>One modelled event: its label (the BIDS trial_type), onset from the run's t0 and duration, in seconds.</summary>
public readonly record struct DesignEvent(string Label, double OnsetS, double DurationS);

/// <summary>How a run's design matrix is built.</summary>
public sealed record MatrixSettings
{
    /// <summary>Repetition time, seconds.</summary>
    public required double TrS { get; init; }
    /// <summary>High-pass cut-off of the DCT filter, seconds; 0: none.</summary>
    public double HighPassS { get; init; } = 128;
    public bool TemporalDerivative { get; init; }
    /// <summary>Microtime bins per TR (SPM's fMRI_T).</summary>
    public int Oversampling { get; init; } = 16;
    /// <summary>The microtime bin each volume is sampled at (SPM's fMRI_T0; 8 of 16 = the middle of the volume).</summary>
    public int SampleBin { get; init; } = 8;
}

/// <summary>
/// A run's design matrix at the TR: one column per label (and its temporal derivative, when asked), each the label's
/// boxcar (height 1 from onset to onset + duration, on a grid of TR / oversampling) convolved with the canonical HRF
/// and sampled once per volume, then high-pass filtered (SPM's DCT set of cosines with periods above the cut-off
/// removed), and a constant last. Rows are volumes from t0.
/// </summary>
public sealed class DesignMatrix
{
    /// <summary>Column names: labels (each followed by "LABEL (derivative)" when asked), then "constant".</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>For each column, the label it models (null for the constant) and whether it is a derivative.</summary>
    public IReadOnlyList<(string? Label, bool Derivative)> Roles { get; }
    /// <summary>Values, [volume, column].</summary>
    public double[,] X { get; }
    /// <summary>The same regressors before the high-pass filter, [volume, column] (constant included).</summary>
    public double[,] Unfiltered { get; }
    public int Scans => X.GetLength(0);
    public MatrixSettings Settings { get; }

    private DesignMatrix(IReadOnlyList<string> columns, IReadOnlyList<(string?, bool)> roles, double[,] x, double[,] unfiltered, MatrixSettings settings)
    {
        Columns = columns;
        Roles = roles;
        X = x;
        Unfiltered = unfiltered;
        Settings = settings;
    }

    /// <summary>The matrix for <paramref name="scans"/> volumes; labels in <paramref name="labels"/> order (a label
    /// without events gives a column of zeros).</summary>
    public static DesignMatrix Build(IReadOnlyList<DesignEvent> events, IReadOnlyList<string> labels, int scans, MatrixSettings settings)
    {
        if (scans < 1) throw new ArgumentOutOfRangeException(nameof(scans), "a run needs at least one volume");
        int T = settings.Oversampling;
        double dt = settings.TrS / T;
        var bases = new List<double[]> { Hrf.Canonical(dt) };
        if (settings.TemporalDerivative) bases.Add(Hrf.Derivative(dt));
        int bins = scans * T;
        var columns = new List<string>();
        var roles = new List<(string?, bool)>();
        var regressors = new List<double[]>();
        foreach (string label in labels)
        {
            var u = new double[bins];
            foreach (var e in events)
            {
                if (e.Label != label) continue;
                int on = (int)Math.Round(e.OnsetS / dt), off = (int)Math.Round((e.OnsetS + e.DurationS) / dt);
                if (off <= on) off = on + 1;
                for (int k = Math.Max(0, on); k < Math.Min(bins, off); k++) u[k] = 1;
            }
            for (int b = 0; b < bases.Count; b++)
            {
                columns.Add(b == 0 ? label : label + " (derivative)");
                roles.Add((label, b == 1));
                regressors.Add(Sample(u, bases[b], scans, T, settings.SampleBin));
            }
        }
        int p = regressors.Count;
        var unfiltered = new double[scans, p + 1];
        for (int j = 0; j < p; j++) for (int i = 0; i < scans; i++) unfiltered[i, j] = regressors[j][i];
        for (int i = 0; i < scans; i++) unfiltered[i, p] = 1;
        foreach (var r in regressors) HighPass(r, settings.TrS, settings.HighPassS);
        var x = new double[scans, p + 1];
        for (int j = 0; j < p; j++) for (int i = 0; i < scans; i++) x[i, j] = regressors[j][i];
        for (int i = 0; i < scans; i++) x[i, p] = 1;
        columns.Add("constant");
        roles.Add((null, false));
        return new DesignMatrix(columns, roles, x, unfiltered, settings);
    }

    /// <summary>(u * h) at microtime bin i·T + bin of each volume i.</summary>
    private static double[] Sample(double[] u, double[] h, int scans, int T, int bin)
    {
        var y = new double[scans];
        for (int i = 0; i < scans; i++)
        {
            int j = i * T + bin;
            double s = 0;
            for (int k = 0; k < h.Length && k <= j; k++) s += h[k] * u[j - k];
            y[i] = s;
        }
        return y;
    }

    /// <summary>SPM's spm_filter: removes the DCT cosines 1 … n−1 of spm_dctmtx, n = fix(2·scans·TR / cut-off + 1).</summary>
    public static void HighPass(double[] y, double trS, double cutOffS)
    {
        if (cutOffS <= 0) return;
        int k = y.Length;
        int n = (int)Math.Truncate(2 * (k * trS) / cutOffS + 1);
        for (int c = 1; c < n && c < k; c++)
        {
            double dot = 0;
            var basis = new double[k];
            for (int t = 0; t < k; t++)
            {
                basis[t] = Math.Sqrt(2.0 / k) * Math.Cos(Math.PI * (2 * t + 1) * c / (2.0 * k));
                dot += basis[t] * y[t];
            }
            for (int t = 0; t < k; t++) y[t] -= dot * basis[t];
        }
    }
}
