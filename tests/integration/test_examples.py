"""Every example under examples/ runs, with free ports, and does what it says."""

import json
import os
import shutil
import subprocess
import unittest

from harness import BIN, ROOT, VECTORS, ChainctlTestCase
from nodes import free_port

EXAMPLES = ROOT / "examples"


class ExamplesTest(ChainctlTestCase):
    def run_example(self, script, *args, env=None, timeout=180):
        full_env = dict(os.environ, CHAINCTL=BIN, **(env or {}))
        return subprocess.run(["bash", EXAMPLES / script, *args], capture_output=True, text=True,
                              cwd=self.tmp, env=full_env, timeout=timeout)

    def assertSucceeds(self, r):
        self.assertEqual(r.returncode, 0, f"--- stdout\n{r.stdout}\n--- stderr\n{r.stderr}")
        self.assertNotIn("FAILED", r.stdout + r.stderr)

    def test_quickstart(self):
        r = self.run_example("quickstart.sh")
        self.assertSucceeds(r)
        self.assertIn("Block #1 is mined.", r.stdout)
        self.assertIn("valid (2 blocks", r.stdout)
        self.assertTrue((self.tmp / "demo-chain" / "chain.json").exists())

    def test_lab_exercise_1(self):
        r = self.run_example("lab-exercise-1.sh", env={"NODE_PORT": str(free_port()), "UI_PORT": str(free_port())})
        self.assertSucceeds(r)
        self.assertIn("ok: the page shows all three posts, newest first", r.stdout)

    def test_lab_exercise_2(self):
        ports = {"PORT1": str(free_port()), "PORT2": str(free_port()), "UI_PORT": str(free_port())}
        r = self.run_example("lab-exercise-2.sh", env=ports)
        self.assertSucceeds(r)
        for line in ("ok: server 2 has server 1's chain", "ok: the page now uses server 2",
                     "ok: server 2 holds: through the page 2", "ok: server 2's chain file verifies"):
            self.assertIn(line, r.stdout)

    def test_multi_host(self):
        r = self.run_example("multi-host/run.sh")
        if r.returncode == 77:
            self.skipTest(r.stdout.strip())
        self.assertSucceeds(r)
        self.assertIn("ok: server 1 knows server 2 by its LAN address", r.stdout)
        self.assertIn("ok: server 2 holds: through the page 2", r.stdout)
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn("chainctl-h", namespaces, "the example left namespaces behind")

    def test_ci_verify_passes_valid_chains_and_fails_a_tampered_one(self):
        r = self.run_example("ci-verify/verify-submissions.sh")
        self.assertSucceeds(r)
        self.assertIn("all 2 chain files are valid", r.stdout)
        submissions = self.tmp / "submissions"
        shutil.copytree(EXAMPLES / "ci-verify" / "submissions", submissions)
        chain = json.loads((submissions / "bob.json").read_text())
        chain["chain"][7]["transactions"][0]["content"] = "rewritten history"
        (submissions / "mallory.json").write_text(json.dumps(chain))
        r = self.run_example("ci-verify/verify-submissions.sh", str(submissions), env={"GITHUB_ACTIONS": "true"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("mallory.json: INVALID", r.stdout)
        self.assertIn("block 7: hash mismatch", r.stdout)
        self.assertIn(f"::error file={submissions / 'mallory.json'}::block 7: hash mismatch", r.stdout)
        report = json.loads((self.tmp / "verify-report.json").read_text())
        self.assertEqual([f["valid"] for f in report["files"]], [True, True, False])  # alice, bob, mallory


if __name__ == "__main__":
    unittest.main()
