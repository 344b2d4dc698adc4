"""init and repository discovery: -C DIR, then CHAINCTL_DIR, then the working directory upwards."""

import json
import os
import shutil
import unittest

from harness import VECTORS, ChainctlTestCase

GENESIS_HASH = "6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9"


class InitTest(ChainctlTestCase):
    def test_init_creates_chain_file_and_state_directory(self):
        r = self.ok("init", "node")
        self.assertIn("Initialized empty chainctl repository", r.out)
        repo = self.tmp / "node"
        data = json.loads((repo / "chain.json").read_text())
        self.assertEqual(set(data), {"length", "chain", "peers", "difficulty"})
        self.assertEqual(data["length"], 1)
        self.assertEqual(data["peers"], [])
        self.assertEqual(data["difficulty"], 2)
        self.assertEqual(
            data["chain"],
            [{"index": 0, "transactions": [], "timestamp": 0, "previous_hash": "0", "nonce": 0,
              "hash": GENESIS_HASH}],
        )
        # Block keys in the reference order, timestamp as the integer 0.
        self.assertIn('{"index": 0, "transactions": [], "timestamp": 0, "previous_hash": "0", "nonce": 0, "hash"',
                      (repo / "chain.json").read_text())
        state = repo / ".chainctl"
        self.assertEqual(sorted(p.name for p in state.iterdir()), ["chain.stamp", "config.json", "lock", "pending.jsonl"])
        self.assertEqual(json.loads((state / "config.json").read_text())["difficulty"], 2)

    def test_init_in_current_directory_and_json_output(self):
        (self.tmp / "here").mkdir()
        r = self.ok("init", "--json", cwd=self.tmp / "here")
        doc = r.json()
        self.assertEqual(doc["root"], str((self.tmp / "here").resolve()))
        self.assertEqual(doc["difficulty"], 2)
        self.assertEqual(doc["blocks"], 1)
        self.assertFalse(doc["adopted"])

    def test_difficulty_is_per_repository(self):
        self.ok("init", "d3", "--difficulty", "3")
        data = json.loads((self.tmp / "d3" / "chain.json").read_text())
        self.assertEqual(data["difficulty"], 3)
        self.ok("tx", "add", "--author", "a", "--content", "c", "-C", self.tmp / "d3")
        block = self.ok("mine", "--json", "-C", self.tmp / "d3").json()["block"]
        self.assertTrue(block["hash"].startswith("000"), block)

    def test_difficulty_out_of_range_is_a_usage_error(self):
        r = self.fails(2, "init", "x", "--difficulty", "65")
        self.assertOneLineError(r, "--difficulty")
        self.assertFalse((self.tmp / "x" / ".chainctl").exists())

    def test_init_twice_fails_and_changes_nothing(self):
        repo = self.init_repo()
        before = (repo / "chain.json").read_bytes()
        r = self.fails(1, "init", repo)
        self.assertOneLineError(r, "already a chainctl repository")
        self.assertEqual((repo / "chain.json").read_bytes(), before)

    def test_init_adopts_an_existing_valid_reference_chain(self):
        repo = self.tmp / "adopt"
        repo.mkdir()
        shutil.copy(VECTORS / "chains" / "valid-large.json", repo / "chain.json")
        r = self.ok("init", repo, "--json")
        self.assertTrue(r.json()["adopted"])
        self.assertEqual(r.json()["blocks"], 401)
        original = json.loads((VECTORS / "chains" / "valid-large.json").read_text())
        now = json.loads((repo / "chain.json").read_text())
        self.assertEqual(now["chain"], original["chain"])
        self.assertEqual(now["peers"], original["peers"])
        self.ok("verify", "-C", repo)

    def test_init_refuses_an_invalid_existing_chain(self):
        repo = self.tmp / "bad"
        repo.mkdir()
        shutil.copy(VECTORS / "chains" / "invalid-content.json", repo / "chain.json")
        r = self.fails(1, "init", repo)
        self.assertOneLineError(r, "is not a valid chain (block 20: hash mismatch")
        self.assertFalse((repo / ".chainctl").exists())


class DiscoveryTest(ChainctlTestCase):
    def test_outside_a_repository_the_error_says_how_to_fix_it(self):
        r = self.fails(1, "tx", "list")
        self.assertOneLineError(r, "not a chainctl repository")
        self.assertIn("run 'chainctl init'", r.err)

    def test_walks_up_from_a_subdirectory(self):
        repo = self.init_repo()
        sub = repo / "a" / "b"
        sub.mkdir(parents=True)
        self.ok("tx", "add", "--author", "a", "--content", "from below", cwd=sub)
        pending = self.ok("tx", "list", "--json", cwd=repo).json()
        self.assertEqual([t["content"] for t in pending], ["from below"])

    def test_dash_C_names_the_directory(self):
        repo = self.init_repo()
        self.ok("-C", repo, "tx", "add", "--author", "a", "--content", "c1")
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c2")
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", repo).json()), 2)

    def test_chainctl_dir_names_the_repository(self):
        repo = self.init_repo()
        self.ok("tx", "add", "--author", "a", "--content", "env", env={"CHAINCTL_DIR": str(repo)})
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", repo).json()), 1)

    def test_dash_C_wins_over_chainctl_dir(self):
        one = self.init_repo("one")
        two = self.init_repo("two")
        self.ok("-C", two, "tx", "add", "--author", "a", "--content", "c", env={"CHAINCTL_DIR": str(one)})
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", two).json()), 1)
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", one).json()), 0)

    def test_chainctl_dir_that_is_not_a_repository(self):
        r = self.fails(1, "tx", "list", env={"CHAINCTL_DIR": str(self.tmp / "nope")})
        self.assertOneLineError(r, "CHAINCTL_DIR=")
        self.assertIn("is not a chainctl repository", r.err)

    def test_dash_C_that_does_not_exist(self):
        r = self.fails(1, "-C", self.tmp / "missing", "tx", "list")
        self.assertOneLineError(r, "no such directory")

    def test_missing_chain_file_is_reported(self):
        repo = self.init_repo()
        os.remove(repo / "chain.json")
        r = self.fails(1, "chain", "show", "-C", repo)
        self.assertOneLineError(r, "chain.json is missing")


if __name__ == "__main__":
    unittest.main()
