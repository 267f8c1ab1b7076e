r"""The whole-sequence products around a scan, on the BLAS that the scans themselves call.

Before the scan, the input projection of every step and gate; after it, the gradients of the
parameters and of the input (``G`` gates, ``N = T·B`` rows, ``H`` units, ``I`` inputs)::

    x̂_g = X W_igᵀ + b_g                  (N, H)     project
    dW_ig = dx̂_gᵀ X     db_ig = Σ_n dx̂_g   (H, I), (H,)
    dW_hg = dÂ_gᵀ Hprev  db_hg = Σ_n dÂ_g   (H, H), (H,)    (dÂ_g = dx̂_g but for the GRU's n)
    dX   += Σ_g dx̂_g W_ig                  (N, I)     parameter_gradients

Which library runs them is :data:`ON_TORCH`'s choice, by processor vendor. torch's CPU build
does its matrix products with Intel's MKL, which on other vendors' processors takes its AVX2
path and, at the thin shapes here, slow generic code: on an AMD EPYC (Zen 5, AVX-512) with one
thread, 2026-12-02, these products of one GRU layer at 32 × 40 × 2, H = 128 took 2.18 ms in
torch (``dW_ih`` as a batched ``dx̂ᵀ X`` 0.45 ms, ``dW_hh`` 1.36 ms, ``dX`` by ``addmm_``
0.37 ms) and 0.83 ms here on SciPy's OpenBLAS (0.025, 0.77, 0.028), at the quick suite's
H = 19 0.25 against 0.07 ms. On Intel processors MKL was measured 1.3–1.7× faster than that
OpenBLAS on these products (BENCHMARKS.md), so there torch keeps them. On the scans' BLAS they
run on its one thread (:func:`~.jit.single_threaded_blas`), as the scans do.

The bias sums accumulate in float64 (one pass over ``N`` rows; torch's float32 sums are
pairwise, and a running float32 sum over 6,400 rows would lose digits).
"""

from __future__ import annotations

import os
import platform

import numba
import numpy as np

from rnnlab.torch.cpu_kernels.jit import JIT


def cpuinfo(field: str) -> str:
    """The first value of ``field`` (``"vendor_id"``, ``"model name"``) in ``/proc/cpuinfo``,
    or ``""`` where there is no such file (not Linux) or field."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                if line.startswith(field):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def cpu_vendor() -> str:
    """The processor's vendor string (``"GenuineIntel"``, ``"AuthenticAMD"``, …), or ``""``
    where the system does not say."""
    return cpuinfo("vendor_id") or ("GenuineIntel" if "GenuineIntel" in platform.processor()
                                    else "")


def _on_torch() -> bool:
    choice = os.environ.get("RNNLAB_SEQUENCE_PRODUCTS", "")
    if choice not in ("", "torch", "scan-blas"):
        raise ValueError(f"RNNLAB_SEQUENCE_PRODUCTS must be 'torch' or 'scan-blas' (or unset "
                         f"for the vendor rule), got {choice!r}")
    return choice == "torch" if choice else cpu_vendor() == "GenuineIntel"


#: Whether the whole-sequence products run in torch (MKL) rather than here: on Intel
#: processors. ``RNNLAB_SEQUENCE_PRODUCTS=torch`` or ``=scan-blas`` overrides the vendor rule.
ON_TORCH = _on_torch()


@numba.njit(**JIT)
def project(X, w_ih, bias, xp):
    """``xp[g] = X @ w_ih[g]ᵀ + bias[g]``: ``X`` ``(N, I)``, ``w_ih`` ``(G, H, I)``,
    ``bias`` ``(G, H)``, ``xp`` ``(G, N, H)`` written."""
    for g in range(w_ih.shape[0]):
        np.dot(X, w_ih[g].T, xp[g])
        out, b = xp[g], bias[g]
        for n in range(out.shape[0]):
            row = out[n]
            for j in range(row.shape[0]):
                row[j] += b[j]


@numba.njit(**JIT)
def _column_sums(a, out):
    """``out = a.sum(axis=0)`` for ``a`` ``(N, H)``, accumulated in float64."""
    total = np.zeros(a.shape[1], dtype=np.float64)
    for n in range(a.shape[0]):
        row = a[n]
        for j in range(row.shape[0]):
            total[j] += row[j]
    for j in range(out.shape[0]):
        out[j] = total[j]


@numba.njit(**JIT)
def parameter_gradients(dxp, d_rec, X, hprev, w_ih, dw_ih, dw_hh, db_ih, db_hh, dX, need_x,
                        add_to_x):
    """One direction's gradients from the scan's: ``dxp = dL/dx̂`` ``(G, N, H)`` and
    ``d_rec = dL/dÂ`` of the last ``K`` gates ``(K, N, H)`` (the others' equal ``dxp``'s);
    ``X`` ``(N, I)``, ``hprev`` ``(N, H)``, ``w_ih`` ``(G, H, I)``. Writes
    ``dw_ih`` ``(G, H, I)``, ``dw_hh`` ``(G, H, H)``, ``db_ih``, ``db_hh`` ``(G, H)``; when
    ``need_x``, writes ``Σ_g dxp[g] @ w_ih[g]`` to ``dX`` ``(N, I)``, or adds it to ``dX``'s
    values when ``add_to_x`` (a second direction)."""
    gates = dxp.shape[0]
    scratch = np.empty_like(dX) if need_x and (add_to_x or gates > 1) else dX[:0]
    flat_dx, flat_scratch = dX.reshape(dX.size), scratch.reshape(scratch.size)
    shared = gates - d_rec.shape[0]
    for g in range(gates):
        recurrent = dxp[g] if g < shared else d_rec[g - shared]
        np.dot(dxp[g].T, X, dw_ih[g])
        np.dot(recurrent.T, hprev, dw_hh[g])
        _column_sums(dxp[g], db_ih[g])
        if g < shared:                  # the same rows: the same sums
            db_hh[g][:] = db_ih[g]
        else:
            _column_sums(recurrent, db_hh[g])
        if need_x:
            if g == 0 and not add_to_x:  # the first product is written, not added
                np.dot(dxp[g], w_ih[g], dX)
            else:
                np.dot(dxp[g], w_ih[g], scratch)
                for i in range(flat_dx.shape[0]):
                    flat_dx[i] += flat_scratch[i]
