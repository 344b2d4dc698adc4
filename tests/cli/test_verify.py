"""verify: verdicts, reasons, exit codes, --json."""

import json
import shutil
import unittest

from harness import VECTORS, ChainctlTestCase

CHAINS = VECTORS / "chains"
EXPECTED = json.loads((CHAINS / "expected.json").read_text())


class VerifyTest(ChainctlTestCase):
    def test_every_vector_file_gets_its_verdict_and_first_bad_block(self):
        for name, want in EXPECTED.items():
            with self.subTest(file=name):
                r = self.chainctl("verify", "--json", CHAINS / name)
                self.assertEqual(r.code, 0 if want["valid"] else 1, r)
                report = r.json()["files"][0]
                self.assertEqual(report["valid"], want["valid"])
                self.assertEqual(set(report), {"file", "valid", "blocks", "difficulty", "problems"})
                if want["valid"]:
                    self.assertEqual(report["problems"], [])
                else:
                    self.assertEqual(report["problems"][0]["block"], want["first_bad"], report)
                    self.assertEqual(set(report["problems"][0]), {"block", "reason"})

    def test_human_report_names_block_and_reason(self):
        r = self.rejects("verify", CHAINS / "invalid-content.json")
        self.assertIn("INVALID", r.out)
        self.assertRegex(r.out, r"block 20: hash mismatch: stored 00d0d17d8726\u2026 computed dd61303d0750\u2026")
        r = self.rejects("verify", "-v", CHAINS / "invalid-content.json")
        self.assertRegex(r.out, r"stored [0-9a-f]{64} computed [0-9a-f]{64}")

    def test_several_files_exit_1_if_any_is_invalid(self):
        r = self.rejects("verify", "--json", CHAINS / "valid-small.json", CHAINS / "invalid-nonce.json")
        files = r.json()["files"]
        self.assertEqual([f["valid"] for f in files], [True, False])
        self.ok("verify", CHAINS / "valid-small.json", CHAINS / "valid-medium.json")

    def test_malformed_files_are_reported_not_crashed_on(self):
        for name, fragment in [
            ("invalid-not-json.json", "malformed JSON at line 1, column 1"),
            ("invalid-truncated.json", "truncated"),
        ]:
            r = self.rejects("verify", CHAINS / name)
            self.assertIn(fragment, r.out)
        (self.tmp / "empty.json").write_text("")
        self.assertIn("the file is empty", self.rejects("verify", self.tmp / "empty.json").out)
        (self.tmp / "array.json").write_text("[1, 2]")
        self.assertIn("not a chain file", self.rejects("verify", self.tmp / "array.json").out)
        (self.tmp / "binary.json").write_bytes(b"\x00\xff\xfe{")
        self.assertIn("malformed JSON", self.rejects("verify", self.tmp / "binary.json").out)
        r = self.rejects("verify", self.tmp / "missing.json")
        self.assertIn("no such file or directory", r.out)
        r = self.rejects("verify", self.tmp)
        self.assertIn("is a directory", r.out)

    def test_stdin(self):
        text = (CHAINS / "valid-medium.json").read_text()
        r = self.ok("verify", "-", stdin=text)
        self.assertIn("-: valid (41 blocks, difficulty 2)", r.out)
        self.rejects("verify", "-", stdin=(CHAINS / "invalid-swapped.json").read_text())

    def test_difficulty_option_and_file_difficulty(self):
        # Blocks of the vectors have 2 leading zeros; at 3 most fail.
        r = self.rejects("verify", "--difficulty", "3", "--json", CHAINS / "valid-small.json")
        reasons = [p["reason"] for p in r.json()["files"][0]["problems"]]
        self.assertTrue(all("proof of work below difficulty" in x for x in reasons), reasons)
        self.ok("verify", "--difficulty", "1", CHAINS / "valid-small.json")
        data = json.loads((CHAINS / "valid-small.json").read_text())
        data["difficulty"] = 3
        (self.tmp / "d3.json").write_text(json.dumps(data))
        self.rejects("verify", self.tmp / "d3.json")
        self.fails(2, "verify", "--difficulty", "-1", CHAINS / "valid-small.json")

    def test_repository_chain_is_the_default(self):
        repo = self.init_repo()
        self.ok("tx", "add", "-C", repo, "--author", "a", "--content", "c")
        self.ok("mine", "-C", repo, "-q")
        r = self.ok("verify", "-C", repo)
        self.assertIn("chain.json: valid (2 blocks, difficulty 2)", r.out)
        # Tamper with the content of block 1.
        path = repo / "chain.json"
        path.write_text(path.read_text().replace('"content": "c"', '"content": "C"'))
        r = self.rejects("verify", "-C", repo)
        self.assertIn("block 1: hash mismatch", r.out)

    def test_quiet_prints_only_invalid_files(self):
        self.assertEqual(self.ok("verify", "-q", CHAINS / "valid-small.json").out, "")
        self.assertIn("INVALID", self.rejects("verify", "-q", CHAINS / "invalid-nonce.json").out)


if __name__ == "__main__":
    unittest.main()
