"""`solve` runs NumPy on one BLAS thread (small matrices: more threads only add CPU time), unless
the user set the number; importing the command line sets it, before NumPy is imported."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
PROBE = ("import os, sys; import solver.cli; assert 'numpy' not in sys.modules; "
         "print(' '.join(os.environ[v] for v in %r))" % (VARS,))


def probe(**preset) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    env.update(preset)
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_the_command_line_sets_one_blas_thread_before_numpy():
    assert probe() == ["1", "1", "1"]


@pytest.mark.parametrize("name", VARS)
def test_a_number_the_user_set_wins(name):
    got = probe(**{name: "3"})
    assert got[VARS.index(name)] == "3" and got.count("1") == 2
