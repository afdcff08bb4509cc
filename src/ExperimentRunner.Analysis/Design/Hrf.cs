namespace ExperimentRunner.Analysis.Design;

/// <summary>
/// SPM's canonical haemodynamic response (spm_hrf with its defaults: a gamma peaking at 6 s, minus an undershoot gamma
/// peaking at 16 s scaled by 1/6, over 32 s, summing to 1), and its temporal derivative (the response minus the same
/// response 1 s later, orthogonalised against the response, as spm_get_bf does). Both at a microtime step in seconds.
/// </summary>
public static class Hrf
{
    public const double PeakS = 6, UndershootS = 16, Ratio = 6, LengthS = 32;

    /// <summary>The response at t = k·<paramref name="dtS"/>, k = 0 … floor(32 s / dt), normalised to sum 1.</summary>
    public static double[] Canonical(double dtS) => Normalised(Shape(dtS, 0));

    /// <summary>The temporal derivative basis at the same samples, orthogonal to <see cref="Canonical"/>.</summary>
    public static double[] Derivative(double dtS)
    {
        double[] h = Canonical(dtS), later = Normalised(Shape(dtS, 1));
        var d = new double[h.Length];
        for (int k = 0; k < h.Length; k++) d[k] = h[k] - later[k];
        double dh = 0, hh = 0;
        for (int k = 0; k < h.Length; k++) { dh += d[k] * h[k]; hh += h[k] * h[k]; }
        for (int k = 0; k < h.Length; k++) d[k] -= dh / hh * h[k];
        return d;
    }

    /// <summary>The difference of gammas at k·dt, shifted later by <paramref name="onsetS"/>.</summary>
    private static double[] Shape(double dtS, double onsetS)
    {
        if (!(dtS > 0)) throw new ArgumentOutOfRangeException(nameof(dtS), "the microtime step must be positive");
        int n = (int)Math.Floor(LengthS / dtS + 1e-9) + 1;
        var h = new double[n];
        for (int k = 0; k < n; k++)
        {
            double t = k * dtS - onsetS;
            h[k] = GammaPdf(t, PeakS) - GammaPdf(t, UndershootS) / Ratio;
        }
        return h;
    }

    private static double[] Normalised(double[] h)
    {
        double sum = h.Sum();
        return h.Select(v => v / sum).ToArray();
    }

    /// <summary>The gamma density of the given shape and a scale of 1 s at t seconds (SPM's "delay" parameters are
    /// these shapes); 0 for t ≤ 0.</summary>
    private static double GammaPdf(double t, double shape) =>
        t <= 0 ? 0 : Math.Exp((shape - 1) * Math.Log(t) - t - MathNet.Numerics.SpecialFunctions.GammaLn(shape));
}
