"""tx add and tx list."""

import json
import time
import unittest

from harness import ChainctlTestCase


class TxAddTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.repo = self.init_repo()

    def add(self, *args, **kwargs):
        return self.chainctl("tx", "add", "-C", self.repo, *args, **kwargs)

    def test_add_with_flags_stamps_a_float_timestamp(self):
        before = time.time()
        r = self.add("--author", "alice", "--content", "hello\nworld", "--json")
        after = time.time()
        self.assertEqual(r.code, 0, r)
        tx = r.json()
        self.assertEqual(list(tx), ["author", "content", "timestamp"])
        self.assertEqual(tx["content"], "hello\nworld")
        self.assertIsInstance(tx["timestamp"], float)
        self.assertLessEqual(before - 0.01, tx["timestamp"])
        self.assertLessEqual(tx["timestamp"], after + 0.01)
        # The text form keeps at least microsecond resolution. One stamp may end in zeros that the
        # shortest repr drops (.389200 -> .3892), so it is asked of the longest of five.
        raws = [r.out.split('"timestamp": ')[1].rstrip("}\n")]
        for _ in range(4):
            more = self.add("--author", "alice", "--content", "again", "--json")
            raws.append(more.out.split('"timestamp": ')[1].rstrip("}\n"))
        self.assertGreaterEqual(max(len(raw.split(".")[1]) for raw in raws), 5, raws)

    def test_human_output_shows_the_stored_transaction(self):
        r = self.add("--author", "alice", "--content", "hi")
        self.assertEqual(r.code, 0, r)
        self.assertIn("author:    alice", r.out)
        self.assertIn("content:   hi", r.out)
        self.assertIn("timestamp: ", r.out)
        self.assertEqual(self.add("--author", "a", "--content", "b", "-q").out, "")

    def test_add_from_stdin_keeps_other_fields_and_overwrites_timestamp(self):
        body = '{"author": "bob", "timestamp": 5, "content": "c", "tags": ["x", 1E2], "n": 18446744073709551616}'
        r = self.add("-", "--json", stdin=body)
        self.assertEqual(r.code, 0, r)
        tx = r.json()
        # The client's timestamp keeps its place (a Python dict assignment) but not its value.
        self.assertEqual(list(tx), ["author", "timestamp", "content", "tags", "n"])
        self.assertNotEqual(tx["timestamp"], 5)
        self.assertIn('"tags": ["x", 100.0]', r.out)
        self.assertIn('"n": 18446744073709551616', r.out)
        stored = self.ok("tx", "list", "--json", "-C", self.repo).json()
        self.assertEqual(stored, [tx])

    def test_author_and_content_are_required_and_true_as_the_reference_checks(self):
        # As the reference: each present and true by Python's rules, of any type.
        for body in ('{"author": 5, "content": ["list"]}', '{"author": true, "content": {"k": 1}}',
                     '{"author": " ", "content": NaN}', '{"author": 18446744073709551616, "content": 0.5}'):
            with self.subTest(body=body):
                self.assertEqual(self.add("-", stdin=body).code, 0)
        self.assertEqual(len(self.ok("tx", "list", "--json", "-C", self.repo).json()), 4)
        self.ok("mine", "-C", self.repo)
        for body, fragment in [
            ('{"content": "c"}', '"author" is required'),
            ('{"author": "a"}', '"content" is required'),
            ('{"author": "", "content": "c"}', '"author" must not be empty'),
            ('{"author": "a", "content": ""}', '"content" must not be empty'),
            ('{"author": 0, "content": "c"}', '"author" must not be 0'),
            ('{"author": "a", "content": null}', '"content" must not be null'),
            ('{"author": false, "content": "c"}', '"author" must not be false'),
            ('{"author": "a", "content": []}', '"content" must not be []'),
            ('{"author": "a", "content": {}}', '"content" must not be {}'),
            ('{"author": -0.0, "content": "c"}', '"author" must not be -0.0'),
            ('["author", "content"]', "must be a JSON object, found array"),
        ]:
            with self.subTest(body=body):
                r = self.add("-", stdin=body)
                self.assertEqual(r.code, 1, r)
                self.assertOneLineError(r, fragment)
        r = self.add("--author", "", "--content", "c")
        self.assertEqual(r.code, 1, r)
        self.assertOneLineError(r, '"author" must not be empty')
        self.assertEqual(self.ok("tx", "list", "--json", "-C", self.repo).json(), [])

    def test_malformed_stdin_is_reported_with_its_position(self):
        r = self.add("-", stdin='{"author": "a", "content": ')
        self.assertEqual(r.code, 1, r)
        self.assertOneLineError(r, "standard input: malformed JSON at line 1, column 28")

    def test_missing_flags_are_a_usage_error(self):
        r = self.add("--author", "a")
        self.assertEqual(r.code, 2, r)
        self.assertOneLineError(r, "needs --author and --content")
        r = self.add("-", "--author", "a", stdin="{}")
        self.assertEqual(r.code, 2, r)
        r = self.add("file.json")
        self.assertEqual(r.code, 2, r)


class TxListTest(ChainctlTestCase):
    def test_list_is_in_arrival_order(self):
        repo = self.init_repo()
        for i in range(5):
            self.ok("tx", "add", "-C", repo, "--author", f"a{i}", "--content", f"c{i}")
        txs = self.ok("tx", "list", "--json", "-C", repo).json()
        self.assertEqual([t["author"] for t in txs], [f"a{i}" for i in range(5)])
        human = self.ok("tx", "list", "-C", repo).out
        self.assertLess(human.index("a1"), human.index("a3"))
        self.assertIn("    c4", human)

    def test_empty_list(self):
        repo = self.init_repo()
        self.assertEqual(self.ok("tx", "list", "--json", "-C", repo).json(), [])
        self.assertIn("No pending transactions", self.ok("tx", "list", "-C", repo).out)

    def test_pending_transactions_persist_on_disk(self):
        repo = self.init_repo()
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "kept")
        lines = (repo / ".chainctl" / "pending.jsonl").read_text().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertEqual(json.loads(lines[0])["content"], "kept")


if __name__ == "__main__":
    unittest.main()
