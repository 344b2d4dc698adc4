"""chain show: table, posts and the chain file format."""

import json
import shutil
import unittest

from harness import VECTORS, ChainctlTestCase


class ChainShowTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.repo = self.init_repo()
        for author, content in [("alice", "first"), ("bob", "second\nline two")]:
            self.ok("tx", "add", "-C", self.repo, "--author", author, "--content", content)
            self.ok("mine", "-C", self.repo, "-q")

    def test_table_has_one_line_per_block(self):
        out = self.ok("chain", "show", "-C", self.repo).out.splitlines()
        self.assertEqual(len(out), 1 + 3)
        self.assertTrue(out[0].split()[0] == "INDEX")
        self.assertEqual([line.split()[0] for line in out[1:]], ["0", "1", "2"])
        self.assertIn("6dbf23122cb5", out[1])
        self.assertIn("1970-01-01", out[1])

    def test_verbose_table_shows_full_hashes(self):
        out = self.ok("chain", "show", "-v", "-C", self.repo).out
        self.assertIn("6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9", out)

    def test_posts_are_newest_first(self):
        out = self.ok("chain", "show", "--format", "posts", "-C", self.repo).out
        self.assertLess(out.index("bob"), out.index("alice"))
        self.assertIn("    second\n    line two", out)
        self.assertIn("block #2", out)

    def test_json_is_the_chain_file_format(self):
        doc = self.ok("chain", "show", "--json", "-C", self.repo).json()
        on_disk = json.loads((self.repo / "chain.json").read_text())
        self.assertEqual(doc["length"], 3)
        self.assertEqual(doc["chain"], on_disk["chain"])
        self.assertEqual(doc["peers"], [])

    def test_a_file_argument_shows_that_file(self):
        doc = self.ok("chain", "show", "--json", VECTORS / "chains" / "valid-small.json").json()
        self.assertEqual(doc["length"], 4)
        self.assertEqual(doc["peers"], ["http://127.0.0.1:8002/", "http://127.0.0.1:8001/"])
        posts = self.ok("chain", "show", "--format", "posts", VECTORS / "chains" / "valid-small.json").out
        self.assertIn("mundo nodo", posts)
        self.assertIn("\u674e", posts)  # shown as text, not as an escape

    def test_stdin_and_errors(self):
        text = (VECTORS / "chains" / "valid-small.json").read_text()
        self.assertEqual(self.ok("chain", "show", "--json", "-", stdin=text).json()["length"], 4)
        r = self.fails(1, "chain", "show", VECTORS / "chains" / "invalid-truncated.json")
        self.assertOneLineError(r, "invalid-truncated.json: malformed JSON at line 1, column 682")
        r = self.fails(1, "chain", "show", self.tmp / "missing.json")
        self.assertOneLineError(r, "no such file or directory")
        r = self.fails(2, "chain", "show", "--format", "tree", "-C", self.repo)
        self.assertOneLineError(r, "--format")

    def test_control_characters_in_posts_do_not_reach_the_terminal(self):
        self.ok("tx", "add", "-C", self.repo, "--author", "eve\x1b[31m", "--content", "bell\x07")
        self.ok("mine", "-C", self.repo, "-q")
        out = self.ok("chain", "show", "--format", "posts", "-C", self.repo).out
        self.assertNotIn("\x1b", out)
        self.assertNotIn("\x07", out)
        self.assertIn("eve\\x1b[31m", out)


if __name__ == "__main__":
    unittest.main()
