"""Nothing acknowledged is lost: concurrent writers, crashes at every step, kill -9 at random."""

import json
import os
import random
import signal
import subprocess
import threading
import time
import unittest

from harness import BIN, ChainctlTestCase


def contents(test, repo):
    """Every transaction content in the chain and in the pending list, with repeats."""
    chain = test.ok("chain", "show", "--json", "-C", repo).json()["chain"]
    mined = [tx["content"] for block in chain for tx in block["transactions"]]
    pending = [tx["content"] for tx in test.ok("tx", "list", "--json", "-C", repo).json()]
    return mined, pending


class ConcurrencyTest(ChainctlTestCase):
    def test_two_processes_adding_500_each_leave_exactly_1000(self):
        repo = self.init_repo()
        errors = []

        def writer(name):
            for i in range(500):
                r = subprocess.run([BIN, "tx", "add", "-C", repo, "-q", "--author", name,
                                    "--content", f"{name}-{i}"], capture_output=True, text=True)
                if r.returncode != 0:
                    errors.append(r.stderr)

        threads = [threading.Thread(target=writer, args=(n,)) for n in ("p1", "p2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        pending = self.ok("tx", "list", "--json", "-C", repo).json()
        self.assertEqual(len(pending), 1000)
        self.assertEqual(sorted(tx["content"] for tx in pending),
                         sorted(f"{n}-{i}" for n in ("p1", "p2") for i in range(500)))
        # Each writer's own transactions stay in its order.
        for n in ("p1", "p2"):
            mine = [tx["content"] for tx in pending if tx["author"] == n]
            self.assertEqual(mine, [f"{n}-{i}" for i in range(500)])

    def test_adding_while_mining_loses_and_repeats_nothing(self):
        repo = self.init_repo("repo", "--difficulty", "3")
        added = []
        stop = threading.Event()

        def adder():
            for i in range(150):
                r = subprocess.run([BIN, "tx", "add", "-C", repo, "-q", "--author", "a", "--content",
                                    f"tx-{i}"], capture_output=True)
                if r.returncode == 0:
                    added.append(f"tx-{i}")
            stop.set()

        def miner():
            while not stop.is_set():
                subprocess.run([BIN, "mine", "-C", repo, "-q"], capture_output=True)

        threads = [threading.Thread(target=adder), threading.Thread(target=miner), threading.Thread(target=miner)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        mined, pending = contents(self, repo)
        self.assertEqual(len(added), 150)
        self.assertEqual(sorted(mined + pending), sorted(added))
        self.assertGreater(len(mined), 0)
        self.ok("verify", "-C", repo)


class CrashPointTest(ChainctlTestCase):
    """Each step of a write interrupted by SIGKILL, through the CHAINCTL_CRASH_AT test hook."""

    def prepared_repo(self):
        repo = self.init_repo()
        for i in range(3):
            self.ok("tx", "add", "-C", repo, "--author", "a", "--content", f"c{i}")
        return repo

    def test_mine_interrupted_at_every_step_is_all_or_nothing(self):
        for point, committed in [("journal:written", True), ("journal:op1", True),
                                 ("journal:op2", True), ("journal:applied", True)]:
            with self.subTest(point=point):
                repo = self.prepared_repo()
                r = self.chainctl("mine", "-C", repo, env={"CHAINCTL_CRASH_AT": point})
                self.assertEqual(r.code, -signal.SIGKILL, r)
                self.assertTrue((repo / ".chainctl" / "journal").exists())
                # The next command finishes the interrupted change first.
                self.ok("verify", "-C", repo)
                self.assertFalse((repo / ".chainctl" / "journal").exists())
                mined, pending = contents(self, repo)
                self.assertEqual(mined, ["c0", "c1", "c2"] if committed else [])
                self.assertEqual(pending, [] if committed else ["c0", "c1", "c2"])
                # And the repository keeps working.
                self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "after")
                self.ok("mine", "-C", repo, "-q")
                self.assertEqual(contents(self, repo)[0][-1], "after")
                self.ok("verify", "-C", repo)
                shutil_rmtree(repo)

    def test_a_half_written_transaction_was_never_acknowledged(self):
        repo = self.prepared_repo()
        r = self.chainctl("tx", "add", "-C", repo, "--author", "a", "--content", "half",
                          env={"CHAINCTL_CRASH_AT": "pending:half-written"})
        self.assertEqual(r.code, -signal.SIGKILL, r)
        self.assertFalse((repo / ".chainctl" / "pending.jsonl").read_text().endswith("\n"))
        self.assertEqual(contents(self, repo)[1], ["c0", "c1", "c2"])
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "next")
        self.assertEqual(contents(self, repo)[1], ["c0", "c1", "c2", "next"])
        self.ok("mine", "-C", repo, "-q")
        self.assertEqual(contents(self, repo)[0], ["c0", "c1", "c2", "next"])


def shutil_rmtree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


class KillLoopTest(ChainctlTestCase):
    def test_kill_9_at_random_moments_loses_nothing_acknowledged(self):
        repo = self.init_repo("repo", "--difficulty", "1")
        rng = random.Random(2026)
        # Kill within about twice the time a write takes, and keep adjusting that as the machine
        # gets faster or slower, so kills keep landing before, during and after writes.
        timings = []
        for i in range(5):
            start = time.perf_counter()
            self.ok("tx", "add", "-C", repo, "-q", "--author", "k", "--content", f"warm-up {i}")
            timings.append(time.perf_counter() - start)
        window = 2 * sorted(timings)[2]
        acknowledged = [f"warm-up {i}" for i in range(5)]
        killed = 0
        rounds = 0
        deadline = time.time() + 240
        while rounds < 120 or killed <= 20 or len(acknowledged) <= 25:
            self.assertLess(time.time(), deadline, f"{rounds} rounds, {killed} kills, {len(acknowledged)} acknowledged")
            rounds += 1
            procs = []
            for k in range(2):
                content = f"r{rounds}-{k}"
                p = subprocess.Popen([BIN, "tx", "add", "-C", repo, "-q", "--author", "k", "--content", content],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                procs.append((p, content))
            miner = subprocess.Popen([BIN, "mine", "-C", repo, "-q"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, window))
            killed_now = 0
            for p in [p for p, _ in procs] + [miner]:
                if p.poll() is None:
                    p.kill()
                    killed_now += 1
            acked_now = 0
            for p, content in procs:
                if p.wait() == 0:
                    acknowledged.append(content)
                    acked_now += 1
            miner.wait()
            killed += killed_now
            if killed_now == 0:
                window *= 0.8  # everything finished first: kill sooner
            elif acked_now == 0:
                window *= 1.25  # nothing got through: kill later
            if rounds % 20 == 0:
                self.ok("verify", "-C", repo)
        self.ok("verify", "-C", repo)
        mined, pending = contents(self, repo)
        everything = mined + pending
        self.assertEqual(len(everything), len(set(everything)), "a transaction was stored twice")
        missing = set(acknowledged) - set(everything)
        self.assertEqual(missing, set(), "acknowledged transactions were lost")
        self.assertGreater(killed, 20, "the loop should interrupt many commands")
        self.assertGreater(len(acknowledged) - 5, 20)


if __name__ == "__main__":
    unittest.main()
