r"""What every fused scan shares: numba's options, the BLAS thread count, and the activations.

**Compilation.** Every scan is ``numba.njit`` with ``cache=True`` (compiled once per machine and
dtype, then loaded from ``__pycache__`` — or numba's user cache when the package folder is
read-only — in about a tenth of a second), ``error_model="numpy"`` (a division by zero gives
inf/NaN as in NumPy instead of raising, which is what lets the loops with divisions vectorise)
and ``nogil=True``. numba writes a cache file under a temporary name and renames it, so two
processes compiling the same scan at once both succeed and one of the two files wins. numba
checks only the file of the cached function itself: after editing this file or ``kernel.py``,
delete ``cpu_kernels/__pycache__/*.nbi`` and ``*.nbc``, or the scans in ``rnn.py``, ``gru.py``
and ``lstm.py`` keep the old code (a fresh checkout or install is not affected).

**Loops that vectorise.** LLVM vectorises an inner loop only when it can prove consecutive
accesses and few possible overlaps. Two rules keep the scans' loops vectorised (measured: a
GRU step written against them runs at 1.2–1.7 ns per unit, written otherwise at 5–35):

* index arrays only with a bare loop variable (``row[b]``): a computed index such as
  ``a[2 * H + k]`` gets numba's negative-index wrap-around select, which hides the stride;
* touch few arrays per loop (about five): every pair that may overlap needs a run-time check,
  and past LLVM's limit the loop stays scalar. A step is therefore several short loops over
  rows of ``B`` contiguous values rather than one loop doing everything.

**BLAS.** ``np.dot`` inside a scan calls the BLAS that SciPy ships (numba links against
``scipy.linalg.cython_blas``): one call per gate and step computes ``W_hh h``. At these
sizes it beats explicit loops by 4–10× (0.6 µs against 2.4–3.2 µs for a (32 × 19) @ (19 × 57)
product). :func:`single_threaded_blas` gives that BLAS one thread: the products of one step
are too small to share out, and on a busy machine a second thread that has to wait for a core
made them 3–10× slower (one (64 × 128) @ (128 × 384) product: 0.8 ms on two threads against
0.3 ms on one; 7.6 ms against 42 µs in another run). The whole-sequence products before and
after a scan run on this BLAS too, except on Intel processors, where torch's MKL does them
with torch's threads (:mod:`~.products` says why).

**Activations.** :func:`sigmoid` and :func:`tanh` are libm's in float64. In float32 they are
written here so that LLVM can vectorise them (libm's ``tanhf`` is a scalar call, 15–30 ns, and
made the activations most of a step's time):

* ``exp(x)`` for ``x ≤ 0``: ``x = n·ln 2 + r`` with ``|r| ≤ ln 2 / 2`` (Cody–Waite: ``ln 2`` in
  two parts so that ``n·ln2_hi`` is exact), ``e^r`` by its Taylor polynomial to degree 7
  (truncation error ``r⁸/8! < 5·10⁻⁹``) and ``2^n`` built from its exponent bits;
* ``σ(x) = 1 / (1 + e^{−|x|})`` for ``x ≥ 0`` and ``e^{−|x|} / (1 + e^{−|x|})`` otherwise, so
  that no ``1 − σ`` cancellation ever happens;
* ``tanh(a) = (1 − e^{−2a}) / (1 + e^{−2a})`` for ``a = |x| ≥ ½`` and the odd polynomial
  ``a + a³·P(a²)`` below it (``P`` of degree 4, fitted to the relative error of tanh on
  [0, ½]: 3.5·10⁻¹⁰), where the quotient would lose digits.

Both stay within 3 float32 ulps of the exact value (the tests check a dense grid; below
``x = −87`` σ stays at e^−87 ≈ 1.6·10⁻³⁸ instead of going on to 0), NaN in gives NaN out,
and ±inf give the limits.
"""

from __future__ import annotations

import math
import os

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

#: Options of every compiled scan (see the module docstring).
JIT = {"cache": True, "error_model": "numpy", "nogil": True}

#: Coefficients of P in tanh(a) ≈ a + a³·P(a²) on [0, ½], constant term first.
_TANH_POLY = (-0.3333332688219136, 0.13332964264190802, -0.05389919158786463,
              0.02129799651552492, -0.00664749675376748)


def sigmoid(x):
    """σ(x) = 1 / (1 + e^{−x}) (compiled by numba; see the module docstring)."""
    return 1.0 / (1.0 + math.exp(-x))


def tanh(x):
    """tanh(x) (compiled by numba; see the module docstring)."""
    return math.tanh(x)


@intrinsic
def _float32_from_bits(typingctx, bits):
    """Reinterpret an int32's bits as a float32 (LLVM ``bitcast``; vectorises)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())
    return types.float32(types.int32), codegen


@numba.njit(**JIT)
def _exp_nonpositive_f32(x):
    """e^x for float32 ``x ≤ 0`` (below −87 it returns e^−87 ≈ 1.6·10⁻³⁸; NaN stays NaN)."""
    x = np.float32(-87.0) if x < np.float32(-87.0) else x
    n = np.floor(x * np.float32(1.4426950408889634) + np.float32(0.5))
    r = x - n * np.float32(0.693359375)           # ln 2 = 0.693359375 − 2.12194440e-4
    r = r + n * np.float32(2.12194440e-4)
    p = np.float32(1.0 / 5040.0)
    p = p * r + np.float32(1.0 / 720.0)
    p = p * r + np.float32(1.0 / 120.0)
    p = p * r + np.float32(1.0 / 24.0)
    p = p * r + np.float32(1.0 / 6.0)
    p = p * r + np.float32(0.5)
    p = p * r + np.float32(1.0)
    p = p * r + np.float32(1.0)
    # 2^n for −126 ≤ n ≤ 0: the biased exponent n + 127 in bits 23–30.
    return p * _float32_from_bits((np.int32(n) + np.int32(127)) << np.int32(23))


@numba.njit(**JIT)
def _sigmoid_f32(x):
    e = _exp_nonpositive_f32(-abs(x))
    inverse = np.float32(1.0) / (np.float32(1.0) + e)
    return e * inverse if x < np.float32(0.0) else inverse


@numba.njit(**JIT)
def _tanh_f32(x):
    a = abs(x)
    u = a * a
    q = np.float32(_TANH_POLY[4])
    q = q * u + np.float32(_TANH_POLY[3])
    q = q * u + np.float32(_TANH_POLY[2])
    q = q * u + np.float32(_TANH_POLY[1])
    q = q * u + np.float32(_TANH_POLY[0])
    small = a + a * u * q
    e = _exp_nonpositive_f32(np.float32(-2.0) * (np.float32(40.0) if a > np.float32(40.0)
                                                  else a))
    large = (np.float32(1.0) - e) / (np.float32(1.0) + e)
    t = small if a < np.float32(0.5) else large
    return -t if x < np.float32(0.0) else t


@numba.njit(**JIT)
def _sigmoid_f64(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@overload(sigmoid, jit_options=JIT)
def _sigmoid_overload(x):
    if x == types.float32:
        return lambda x: _sigmoid_f32(x)
    return lambda x: _sigmoid_f64(x)


@overload(tanh, jit_options=JIT)
def _tanh_overload(x):
    if x == types.float32:
        return lambda x: _tanh_f32(x)
    return lambda x: math.tanh(x)


@numba.njit(**JIT)
def apply_sigmoid(x, out):
    """``out = σ(x)`` elementwise on 1-D arrays (for tests and benchmarks)."""
    for i in range(x.shape[0]):
        out[i] = sigmoid(x[i])


@numba.njit(**JIT)
def apply_tanh(x, out):
    """``out = tanh(x)`` elementwise on 1-D arrays (for tests and benchmarks)."""
    for i in range(x.shape[0]):
        out[i] = tanh(x[i])


# ----------------------------------------------------------------------------- BLAS threads
_BLAS_READY = False


def single_threaded_blas() -> None:
    """Give the BLAS that numba calls one thread, once per process.

    That BLAS is SciPy's own copy when SciPy ships one (a file under SciPy's folder); a BLAS
    shared with NumPy or with the system is left as the user set it.
    """
    global _BLAS_READY
    if _BLAS_READY:
        return
    import scipy
    import scipy.linalg.cython_blas  # loads the library numba links to
    from threadpoolctl import ThreadpoolController

    # No trailing separator: wheels keep the library in "scipy.libs" beside "scipy".
    home = os.path.dirname(os.path.abspath(scipy.__file__))
    controller = ThreadpoolController()
    own = [c.filepath for c in controller.lib_controllers
           if c.user_api == "blas" and os.path.abspath(c.filepath).startswith(home)]
    if own:
        controller.select(filepath=own).limit(limits=1)
    _BLAS_READY = True
