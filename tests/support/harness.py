"""Shared helpers for the tests that run the chainctl binary.

The binary comes from $CHAINCTL_BIN (ctest sets it); the golden vectors from tests/vectors.
Every test gets a fresh temporary directory and never touches the user's own repositories.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
BIN = os.environ.get("CHAINCTL_BIN") or str(ROOT / "build" / "chainctl")


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def run(*args, cwd=None, stdin=None, env=None, timeout=60):
    """Runs chainctl with args; returns a Result (exit code, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.pop("CHAINCTL_DIR", None)
    full_env["NO_COLOR"] = "1"
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [BIN, *map(str, args)],
        cwd=cwd,
        input=stdin,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(proc)


class ChainctlTestCase(unittest.TestCase):
    """A test with its own temporary directory, removed afterwards."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="chainctl-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def chainctl(self, *args, **kwargs):
        kwargs.setdefault("cwd", self.tmp)
        return run(*args, **kwargs)

    def ok(self, *args, **kwargs):
        """Runs chainctl and asserts exit 0."""
        r = self.chainctl(*args, **kwargs)
        self.assertEqual(r.code, 0, r)
        return r

    def fails(self, code, *args, **kwargs):
        """Runs chainctl and asserts the given exit code and a one-line 'chainctl: error:'."""
        r = self.chainctl(*args, **kwargs)
        self.assertEqual(r.code, code, r)
        self.assertOneLineError(r)
        return r

    def rejects(self, *args, **kwargs):
        """Runs chainctl and asserts a verdict of 'invalid': exit 1 with the report on stdout and
        nothing on stderr (an invalid chain is data, not an error)."""
        r = self.chainctl(*args, **kwargs)
        self.assertEqual(r.code, 1, r)
        self.assertEqual(r.err, "", r)
        self.assertTrue(r.out, r)
        return r

    def init_repo(self, name="repo", *extra):
        path = self.tmp / name
        self.ok("init", path, *extra)
        return path

    def assertOneLineError(self, result, fragment=""):
        """stderr is exactly one line, 'chainctl: error: ...', holding fragment."""
        lines = result.err.splitlines()
        self.assertEqual(len(lines), 1, result)
        self.assertTrue(lines[0].startswith("chainctl: error: "), result)
        self.assertIn(fragment, lines[0], result)
