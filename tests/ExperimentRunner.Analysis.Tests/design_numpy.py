"""An independent computation of a design matrix and its figures with numpy, for DesignNumpyTests.

Input (JSON, argv[1]): tr, scans, high_pass, derivative, labels (column order), events [{label, onset, duration}],
contrasts [[weight per label]]. Output (JSON, stdout): X (rows of columns, constant last), efficiency per contrast,
correlation of the regressors, vif per regressor.

Written from SPM12's definitions (spm_hrf, spm_get_bf, spm_get_ons, spm_fMRI_design, spm_filter, spm_dctmtx), not
from the C# code: gamma densities through lgamma, the convolution through numpy.convolve, inverses through numpy.linalg.
"""
import json
import math
import sys

import numpy as np

d = json.load(open(sys.argv[1]))
TR, n, T, T0 = d["tr"], d["scans"], 16, 8
dt = TR / T


def gamma_pdf(t, shape):
    t = np.asarray(t, dtype=float)
    out = np.zeros_like(t)
    pos = t > 0
    out[pos] = np.exp((shape - 1) * np.log(t[pos]) - t[pos] - math.lgamma(shape))
    return out


def spm_hrf(onset):
    t = np.arange(0, int(np.floor(32 / dt + 1e-9)) + 1) * dt - onset
    h = gamma_pdf(t, 6) - gamma_pdf(t, 16) / 6
    return h / h.sum()


bf = [spm_hrf(0)]
if d["derivative"]:
    der = bf[0] - spm_hrf(1)
    der = der - (der @ bf[0]) / (bf[0] @ bf[0]) * bf[0]
    bf.append(der)

columns = []
for label in d["labels"]:
    u = np.zeros(n * T)
    for e in d["events"]:
        if e["label"] != label:
            continue
        on = int(np.round(e["onset"] / dt))
        off = int(np.round((e["onset"] + e["duration"]) / dt))
        off = max(off, on + 1)
        u[max(on, 0):min(off, n * T)] = 1
    for b in bf:
        full = np.convolve(u, b)[: n * T]
        columns.append(full[np.arange(n) * T + T0])
R = np.array(columns).T

if d["high_pass"] > 0:
    k = int(np.fix(2 * (n * TR) / d["high_pass"] + 1))
    t = np.arange(n)
    C = np.array([np.sqrt(2 / n) * np.cos(np.pi * (2 * t + 1) * c / (2 * n)) for c in range(1, k)]).T
    if C.size:
        R = R - C @ (C.T @ R)

X = np.column_stack([R, np.ones(n)])
p = R.shape[1]
inv = np.linalg.inv(X.T @ X)
per = len(bf)
eff = []
for weights in d["contrasts"]:
    c = np.zeros(X.shape[1])
    for i, w in enumerate(weights):
        c[i * per] = w
    eff.append(float(1 / (c @ inv @ c)))
corr = np.corrcoef(R.T) if p > 1 else np.ones((1, 1))
vif = np.diag(np.linalg.inv(corr)) if p > 1 else np.ones(1)
json.dump({"X": X.tolist(), "efficiency": eff, "correlation": np.atleast_2d(corr).tolist(), "vif": vif.tolist()}, sys.stdout)
