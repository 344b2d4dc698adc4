"""mine: all pending transactions into one block, proof of work, persistence."""

import json
import unittest

from harness import ChainctlTestCase
from reference_model import compute_hash, load_chain


class MineTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.repo = self.init_repo()

    def c(self, *args, **kwargs):
        return self.chainctl(*args, "-C", self.repo, **kwargs)

    def test_nothing_to_mine_exits_1(self):
        r = self.c("mine")
        self.assertEqual(r.code, 1, r)
        self.assertOneLineError(r, "nothing to mine")
        self.assertEqual(self.c("chain", "show", "--json").json()["length"], 1)

    def test_mines_every_pending_transaction_into_one_block(self):
        for i in range(3):
            self.assertEqual(self.c("tx", "add", "--author", "a", "--content", f"post {i}").code, 0)
        r = self.c("mine", "--json")
        self.assertEqual(r.code, 0, r)
        doc = r.json()
        self.assertEqual(set(doc), {"status", "message", "block", "hashes_tried", "elapsed_s", "threads"})
        self.assertEqual(doc["status"], "mined")
        self.assertEqual(doc["message"], f"Block #{doc['block']['index']} is mined.")
        block = doc["block"]
        self.assertEqual(list(block), ["index", "transactions", "timestamp", "previous_hash", "nonce", "hash"])
        self.assertEqual(block["index"], 1)
        self.assertEqual([t["content"] for t in block["transactions"]], ["post 0", "post 1", "post 2"])
        self.assertIsInstance(block["timestamp"], float)
        self.assertTrue(block["hash"].startswith("00"))
        self.assertEqual(block["hash"], compute_hash(block))
        self.assertGreaterEqual(doc["hashes_tried"], block["nonce"] + 1)
        self.assertEqual(self.c("tx", "list", "--json").json(), [])
        chain = self.c("chain", "show", "--json").json()
        self.assertEqual(chain["length"], 2)
        self.assertEqual(chain["chain"][1], block)
        self.assertEqual(chain["chain"][1]["previous_hash"], chain["chain"][0]["hash"])

    def test_human_output_starts_like_the_reference(self):
        self.c("tx", "add", "--author", "a", "--content", "c")
        r = self.c("mine")
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out.splitlines()[0], "Block #1 is mined.")
        self.assertIn("hashes in", r.out)

    def test_nonce_is_the_smallest_that_works_whatever_the_thread_count(self):
        for threads in ("1", "2", "7"):
            self.c("tx", "add", "--author", "a", "--content", threads)
            block = self.c("mine", "--threads", threads, "--json").json()["block"]
            # Every smaller nonce fails the difficulty, as in the reference's search from 0.
            for nonce in range(block["nonce"]):
                self.assertFalse(compute_hash(dict(block, nonce=nonce)).startswith("00"))

    def test_many_blocks_form_a_chain_the_reference_loads(self):
        for i in range(6):
            self.c("tx", "add", "--author", f"author{i}", "--content", f"caf\u00e9 \U0001F600 {i}\n")
            self.assertEqual(self.c("mine", "-q").code, 0)
        data = json.loads((self.repo / "chain.json").read_text())
        self.assertEqual(data["length"], 7)
        loaded = load_chain(data["chain"])
        self.assertEqual(len(loaded), 7)
        self.assertEqual(self.c("verify").code, 0)

    def test_threads_must_be_positive(self):
        r = self.c("mine", "--threads", "0")
        self.assertEqual(r.code, 2, r)


if __name__ == "__main__":
    unittest.main()


class MineInterruptTest(ChainctlTestCase):
    def test_progress_on_a_terminal_and_ctrl_c_cancels_without_writing(self):
        import os
        import pty
        import select
        import signal
        import subprocess
        import time
        from harness import BIN

        repo = self.init_repo("slow", "--difficulty", "8")  # far too hard to finish in the test
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c")
        before = (repo / "chain.json").read_bytes()
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "mine", "-C", repo], stdin=slave, stdout=subprocess.PIPE,
                                stderr=slave, close_fds=True)
        os.close(slave)
        seen = b""
        deadline = time.time() + 15
        while b"hashes" not in seen and time.time() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                seen += os.read(master, 4096)
        self.assertIn(b"mining: ", seen)  # progress appears after about a second
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        time.sleep(0.1)
        try:
            while select.select([master], [], [], 0.2)[0]:
                seen += os.read(master, 4096)
        except OSError:
            pass
        os.close(master)
        self.assertEqual(proc.returncode, 130)
        self.assertIn(b"mining cancelled; nothing was written", seen)
        self.assertEqual(out, b"")
        self.assertEqual((repo / "chain.json").read_bytes(), before)
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", repo).json()), 1)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        repo = self.init_repo("d4", "--difficulty", "4")
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c")
        r = self.ok("mine", "-C", repo)
        self.assertEqual(r.err, "")
