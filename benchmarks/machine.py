"""One line naming the machine and libraries a benchmark ran on.

The figures depend on more than the core count: the processor (MKL, behind torch's matrix
products, runs its fast paths on Intel processors only; oneDNN and OpenBLAS on any AVX-512
processor) and the kernels OpenBLAS chose, which ``OPENBLAS_CORETYPE`` can force (some
workplaces set it to an older core type). So every benchmark prints them.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np
import torch


def processor() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux), else ``platform``'s guess."""
    from rnnlab.torch.cpu_kernels.products import cpuinfo

    return cpuinfo("model name") or platform.processor() or platform.machine()


def blas_kernels() -> str:
    """Each loaded OpenBLAS (NumPy's, SciPy's) with the core type its kernels are for."""
    import scipy.linalg.cython_blas  # noqa: F401  (loads SciPy's copy, which the scans call)
    from threadpoolctl import threadpool_info

    found = [f"{os.path.basename(lib['filepath']).split('-')[0]} {lib.get('version')} "
             f"{lib.get('architecture')}" for lib in threadpool_info()
             if lib.get("internal_api") == "openblas"]
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return "; ".join(found) + (f" (OPENBLAS_CORETYPE={forced} is set)" if forced else "")


def describe(name: str, threads: str) -> str:
    """``# <name> benchmark, date, processor, cores, versions, BLAS kernels, threads``."""
    from rnnlab.torch.cpu_kernels import products

    where = "torch (MKL)" if products.ON_TORCH else "SciPy's OpenBLAS"
    return (f"# {name} benchmark, {time.strftime('%Y-%m-%d')}, {processor()} "
            f"({platform.machine()}, {os.cpu_count()} cores), numpy {np.__version__}, torch "
            f"{torch.__version__}, {threads}\n# BLAS: {blas_kernels()}; the kernels' "
            f"whole-sequence products on {where}")
