using MathNet.Numerics.LinearAlgebra;

namespace ExperimentRunner.Analysis.Design;

/// <summary>A contrast's estimation efficiency in one design; 0 where it cannot be estimated.</summary>
public sealed record ContrastResult(string Text, double Efficiency, bool Estimable);

/// <summary>
/// What a design matrix says about its regressors (every column but the constant): the correlation of each pair,
/// each one's variance inflation factor, and each contrast's efficiency 1 / (c (XᵀX)⁻ cᵀ). Linear algebra by
/// MathNet.Numerics (symmetric eigendecompositions), so a rank-deficient matrix is handled, not inverted blindly.
/// </summary>
public sealed class DesignStats
{
    /// <summary>Eigenvalues (of XᵀX, or of the regressors' correlation matrix) below this fraction of the largest count
    /// as zero: the matrix is rank-deficient along them.</summary>
    public const double RankTolerance = 1e-10;

    /// <summary>Pearson r of regressors i and j; NaN where one of them does not vary.</summary>
    public double[,] Correlation { get; }
    /// <summary>Variance inflation factor per regressor (1: independent of the others; +∞: a combination of them).</summary>
    public double[] Vif { get; }
    public IReadOnlyList<ContrastResult> Contrasts => _contrasts;
    public int Rank { get; }

    private readonly List<ContrastResult> _contrasts;

    private DesignStats(double[,] correlation, double[] vif, List<ContrastResult> contrasts, int rank)
    {
        Correlation = correlation;
        Vif = vif;
        _contrasts = contrasts;
        Rank = rank;
    }

    /// <summary>Marks contrast <paramref name="index"/> as not estimable (a label it names has no column here).</summary>
    internal void NotEstimable(int index) => _contrasts[index] = _contrasts[index] with { Efficiency = 0, Estimable = false };

    /// <summary>The figures of <paramref name="x"/> (last column the constant); each contrast a weight per column.</summary>
    public static DesignStats Compute(double[,] x, IReadOnlyList<(string Text, double[] Weights)> contrasts)
    {
        var X = Matrix<double>.Build.DenseOfArray(x);
        int n = X.RowCount, p = X.ColumnCount - 1;
        var corr = new double[p, p];
        var centred = new Vector<double>[p];
        for (int j = 0; j < p; j++)
        {
            var c = X.Column(j);
            centred[j] = c - c.Average();
        }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double a = centred[i].L2Norm(), b = centred[j].L2Norm();
                corr[i, j] = a < 1e-12 || b < 1e-12 ? double.NaN : Math.Clamp(centred[i].DotProduct(centred[j]) / (a * b), -1, 1);
            }

        // VIF_j = 1 / (1 − R²_j) of regressor j on the others and the constant = diag of the inverse correlation
        // matrix; through its eigenvectors, so a regressor in a null direction gets +∞ rather than a huge number.
        var vif = new double[p];
        var R = Matrix<double>.Build.Dense(p, p, (i, j) => double.IsNaN(corr[i, j]) ? 0 : corr[i, j]);
        var er = R.Evd(Symmetricity.Symmetric);
        double rmax = er.EigenValues.Select(v => v.Real).DefaultIfEmpty(0).Max();
        for (int j = 0; j < p; j++)
        {
            if (double.IsNaN(corr[j, j])) { vif[j] = double.PositiveInfinity; continue; }
            double sum = 0;
            for (int k = 0; k < p; k++)
            {
                double lambda = er.EigenValues[k].Real, v = er.EigenVectors[j, k];
                if (lambda <= rmax * RankTolerance) { if (v * v > 1e-12) { sum = double.PositiveInfinity; break; } }
                else sum += v * v / lambda;
            }
            vif[j] = sum;
        }

        // Contrasts through the eigenvectors of XᵀX: (XᵀX)⁻ on its range, and a contrast with any weight along its
        // null space cannot be estimated.
        var info = X.TransposeThisAndMultiply(X);
        var e = info.Evd(Symmetricity.Symmetric);
        double lmax = e.EigenValues.Select(v => v.Real).DefaultIfEmpty(0).Max();
        int rank = e.EigenValues.Count(v => v.Real > lmax * RankTolerance);
        var results = new List<ContrastResult>();
        foreach (var (text, weights) in contrasts)
        {
            var cvec = Vector<double>.Build.DenseOfArray(weights);
            double variance = 0, outside = 0;
            for (int k = 0; k < e.EigenValues.Count; k++)
            {
                double lambda = e.EigenValues[k].Real, along = cvec.DotProduct(e.EigenVectors.Column(k));
                if (lambda > lmax * RankTolerance) variance += along * along / lambda;
                else outside += along * along;
            }
            bool estimable = outside <= 1e-12 * cvec.DotProduct(cvec);
            results.Add(new ContrastResult(text, estimable && variance > 0 ? 1 / variance : 0, estimable));
        }
        return new DesignStats(corr, vif, results, rank);
    }
}
