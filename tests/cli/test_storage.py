"""chain.json on disk: the reference format, appended in place, other layouts adopted safely."""

import json
import os
import shutil
import unittest

from harness import VECTORS, ChainctlTestCase
from reference_model import load_chain


class StorageTest(ChainctlTestCase):
    def add_and_mine(self, repo, content):
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", content)
        self.ok("mine", "-C", repo, "-q")

    def test_a_new_block_is_appended_without_rewriting_the_file(self):
        repo = self.init_repo()
        self.add_and_mine(repo, "one")
        path = repo / "chain.json"
        before = path.read_bytes()
        inode = path.stat().st_ino
        self.add_and_mine(repo, "two")
        after = path.read_bytes()
        self.assertEqual(path.stat().st_ino, inode, "the file was replaced, not appended to")
        # Everything up to the end of the old last block is unchanged but the length field.
        tail = before.rindex(b"\n], ")
        self.assertEqual(after[:11], before[:11])
        self.assertEqual(after[44:tail], before[44:tail])
        self.assertEqual(json.loads(after)["length"], 3)

    def test_the_file_is_the_reference_format_and_loads_in_the_reference(self):
        repo = self.init_repo()
        for i in range(4):
            self.add_and_mine(repo, f"post {i} \u00e9\U0001F600")
        data = json.loads((repo / "chain.json").read_text())
        self.assertEqual(data["length"], len(data["chain"]))
        self.assertEqual(list(data)[:3], ["length", "chain", "peers"])
        for block in data["chain"]:
            self.assertEqual(list(block), ["index", "transactions", "timestamp", "previous_hash", "nonce", "hash"])
        self.assertEqual(len(load_chain(data["chain"])), 5)
        self.assertTrue((repo / "chain.json").read_bytes().isascii())

    def test_a_file_written_by_the_reference_is_adopted_on_the_next_write(self):
        repo = self.init_repo()
        # The reference node rewrites its data file as one line of json.dumps.
        reference = json.loads((VECTORS / "chains" / "valid-medium.json").read_text())
        (repo / "chain.json").write_text(json.dumps(reference))
        self.assertEqual(self.ok("chain", "show", "--json", "-C", repo).json()["length"], 41)
        self.add_and_mine(repo, "on top of the reference")
        data = json.loads((repo / "chain.json").read_text())
        self.assertEqual(data["length"], 42)
        self.assertEqual(data["chain"][:41], reference["chain"])
        self.assertEqual(data["peers"], reference["peers"])
        self.assertEqual(data["chain"][41]["previous_hash"], reference["chain"][40]["hash"])
        self.ok("verify", "-C", repo)
        # Now in chainctl's layout: one block per line.
        self.assertEqual((repo / "chain.json").read_text().count("\n"), 42 + 2)

    def test_writes_refuse_an_invalid_chain_in_another_layout(self):
        repo = self.init_repo()
        shutil.copy(VECTORS / "chains" / "invalid-content.json", repo / "chain.json")
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c")
        r = self.fails(1, "mine", "-C", repo)
        self.assertOneLineError(r, "is not a valid chain (block 20: hash mismatch")
        self.assertEqual((repo / "chain.json").read_bytes(),
                         (VECTORS / "chains" / "invalid-content.json").read_bytes())
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", repo).json()), 1)

    def test_a_damaged_layout_is_checked_in_full(self):
        repo = self.init_repo()
        for i in range(3):
            self.add_and_mine(repo, f"p{i}")
        lines = (repo / "chain.json").read_text().split("\n")
        del lines[2]  # drop block 1: indices and the length no longer agree
        (repo / "chain.json").write_text("\n".join(lines))
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c")
        r = self.fails(1, "mine", "-C", repo)
        self.assertOneLineError(r, "is not a valid chain")

    def test_peers_in_an_adopted_file_survive_appends(self):
        repo = self.tmp / "r"
        repo.mkdir()
        shutil.copy(VECTORS / "chains" / "valid-small.json", repo / "chain.json")
        self.ok("init", repo)
        self.add_and_mine(repo, "x")
        self.assertEqual(json.loads((repo / "chain.json").read_text())["peers"],
                         ["http://127.0.0.1:8002/", "http://127.0.0.1:8001/"])


if __name__ == "__main__":
    unittest.main()
