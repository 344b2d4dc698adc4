"""block hash: the tool a student uses to find out why a hash differs."""

import json
import unittest

from harness import VECTORS, ChainctlTestCase

VECTOR_LINES = [json.loads(l) for l in (VECTORS / "block-hash.jsonl").read_text(encoding="utf-8").split("\n") if l.strip()]


class BlockHashTest(ChainctlTestCase):
    def test_every_vector_block_hashes_to_its_golden_value(self):
        blocks = "\n".join(json.dumps(v["block"], ensure_ascii=(i % 2 == 0)) for i, v in enumerate(VECTOR_LINES))
        r = self.ok("block", "hash", stdin=blocks + "\n")
        self.assertEqual(r.out.splitlines(), [v["hash"] for v in VECTOR_LINES])
        r = self.ok("block", "hash", "--preimage", stdin=blocks)
        self.assertEqual(r.out.splitlines(), [v["preimage"] for v in VECTOR_LINES])

    def test_vector_records_are_accepted_as_they_are(self):
        r = self.ok("block", "hash", VECTORS / "block-hash.jsonl")
        self.assertEqual(r.out.splitlines(), [v["hash"] for v in VECTOR_LINES])

    def test_one_pretty_printed_block_from_a_file(self):
        path = self.tmp / "genesis.json"
        path.write_text(json.dumps(VECTOR_LINES[0]["block"], indent=4))
        r = self.ok("block", "hash", path)
        self.assertEqual(r.out, "6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9\n")

    def test_a_hash_field_is_ignored(self):
        block = dict(VECTOR_LINES[1]["block"], hash="not the hash")
        self.assertEqual(self.ok("block", "hash", stdin=json.dumps(block)).out.strip(), VECTOR_LINES[1]["hash"])

    def test_key_order_and_number_spelling_do_not_matter(self):
        text = '{"transactions": [{"b": 1E2, "a": 1.10}], "timestamp": 0, "previous_hash": "0", "nonce": -0, "index": 0}'
        canonical = '{"index": 0, "nonce": 0, "previous_hash": "0", "timestamp": 0, "transactions": [{"a": 1.1, "b": 100.0}]}'
        self.assertEqual(self.ok("block", "hash", "--preimage", stdin=text).out.strip(), canonical)

    def test_json_output(self):
        block = dict(VECTOR_LINES[2]["block"], hash="00ff")
        doc = self.ok("block", "hash", "--json", stdin=json.dumps(block)).json()
        self.assertEqual(doc["blocks"][0]["hash"], VECTOR_LINES[2]["hash"])
        self.assertEqual(doc["blocks"][0]["preimage"], VECTOR_LINES[2]["preimage"])
        self.assertEqual(doc["blocks"][0]["stored_hash"], "00ff")

    def test_verbose_says_when_the_stored_hash_differs(self):
        block = dict(VECTOR_LINES[2]["block"], hash="00ff")
        r = self.ok("block", "hash", "-v", stdin=json.dumps(block))
        self.assertIn("stored hash 00ff differs from the computed " + VECTOR_LINES[2]["hash"], r.err)

    def test_errors(self):
        r = self.fails(1, "block", "hash", stdin='{"index": 0, "nonce": 0}')
        self.assertOneLineError(r, "block 1 (line 1): missing field: transactions")
        good = json.dumps(VECTOR_LINES[0]["block"])
        r = self.fails(1, "block", "hash", stdin=good + "\n{\"index\": \n")
        self.assertEqual(r.out.splitlines(), [VECTOR_LINES[0]["hash"]])  # the lines before are printed
        self.assertOneLineError(r, "block 2: malformed JSON at line 3")
        r = self.fails(1, "block", "hash", stdin="")
        self.assertOneLineError(r, "no block to hash")
        r = self.fails(1, "block", "hash", stdin="[1]")
        self.assertOneLineError(r, "a block must be a JSON object, found array")
        r = self.fails(1, "block", "hash", self.tmp / "nope.jsonl")
        self.assertOneLineError(r, "no such file or directory")


if __name__ == "__main__":
    unittest.main()
