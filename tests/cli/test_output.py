"""Conventions every command follows: exit codes, stderr, --json, --help, closed pipes."""

import json
import subprocess
import unittest

from harness import BIN, VECTORS, ChainctlTestCase

COMMANDS = [["init"], ["tx", "add"], ["tx", "list"], ["mine"], ["chain", "show"], ["verify"],
            ["block", "hash"], ["bench"], ["node", "serve"], ["peer", "register"], ["peer", "add"],
            ["peer", "list"], ["ui", "serve"]]


class OutputTest(ChainctlTestCase):
    def test_every_command_has_help(self):
        for cmd in COMMANDS:
            with self.subTest(cmd=cmd):
                r = self.ok(*cmd, "--help")
                self.assertIn("Usage:", r.out)
                self.assertEqual(r.err, "")

    def test_help_cmd_is_cmd_help(self):
        for cmd in COMMANDS + [["node", "serve"], ["peer", "register"], ["ui", "serve"], ["tx"]]:
            with self.subTest(cmd=cmd):
                self.assertEqual(self.ok("help", *cmd).out, self.ok(*cmd, "--help").out)
        self.assertEqual(self.ok("help").out, self.ok("--help").out)
        self.assertIn("did you mean 'verify'", self.fails(2, "help", "verfy").err)

    def test_usage_errors_name_the_closest_command_or_option(self):
        for args, message in [
            (["verfy"], "unknown command 'verfy' for 'chainctl'; did you mean 'verify'?"),
            (["tx", "ad"], "unknown command 'ad' for 'chainctl tx'; did you mean 'add'?"),
            (["chian", "show"], "unknown command 'chian' for 'chainctl'; did you mean 'chain'?"),
            (["chain", "show", "--formt", "posts"], "unknown option '--formt' for 'chainctl chain show'; did you mean '--format'?"),
            (["node", "serve", "--prot", "1"], "unknown option '--prot' for 'chainctl node serve'; did you mean '--port'?"),
            (["tx"], "'chainctl tx' needs a command: add, list"),
            (["xyzzy"], "unknown command 'xyzzy' for 'chainctl'; see 'chainctl --help'"),
            (["init", "--difficulty", "99"], "--difficulty: Value 99 not in range 0 to 64; see 'chainctl init --help'"),
        ]:
            with self.subTest(args=args):
                r = self.fails(2, *args)
                self.assertEqual(r.err, f"chainctl: error: {message}\n")

    def test_version(self):
        self.assertRegex(self.ok("--version").out, r"^chainctl \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_2_with_one_line_on_stderr(self):
        for args in (["--bogus"], ["verify", "--bogus"], ["tx"], ["nosuchcommand"], ["chain"],
                     ["--color", "sometimes", "verify"], []):
            with self.subTest(args=args):
                r = self.chainctl(*args)
                self.assertEqual(r.code, 2, r)
                self.assertEqual(r.out, "")
                self.assertTrue(r.err.startswith("chainctl: error: "), r)

    def test_json_output_is_one_document(self):
        repo = self.init_repo()
        outputs = [
            self.ok("tx", "add", "--json", "-C", repo, "--author", "a", "--content", "c").out,
            self.ok("tx", "list", "--json", "-C", repo).out,
            self.ok("mine", "--json", "-C", repo).out,
            self.ok("chain", "show", "--json", "-C", repo).out,
            self.ok("verify", "--json", "-C", repo).out,
            self.ok("block", "hash", "--json", stdin=json.dumps({"index": 0, "nonce": 0, "previous_hash": "0", "timestamp": 0, "transactions": []})).out,
            self.ok("init", "--json", self.tmp / "other").out,
        ]
        for out in outputs:
            json.loads(out)  # raises if not exactly one document

    def test_data_goes_to_stdout_and_errors_to_stderr(self):
        r = self.rejects("verify", VECTORS / "chains" / "invalid-nonce.json")
        self.assertIn("INVALID", r.out)
        self.assertEqual(r.err, "")
        r = self.fails(1, "tx", "list")
        self.assertEqual(r.out, "")

    def test_closed_pipe_ends_quietly(self):
        # A chain whose listing is far larger than a pipe's buffer.
        big = self.tmp / "big.json"
        self.ok("bench", "--write-chain", big, "--chain-mb", "2")
        proc = subprocess.Popen([BIN, "chain", "show", "--format", "posts", big],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        code = proc.wait(timeout=30)
        self.assertEqual(err, b"")
        self.assertEqual(code, 141)

    def test_write_error_is_reported(self):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([BIN, "verify", VECTORS / "chains" / "valid-small.json"],
                                  stdout=full, stderr=subprocess.PIPE, text=True)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("chainctl: error: cannot write to standard output", proc.stderr)

    def test_color_on_a_terminal_unless_no_color(self):
        import os
        import pty

        def on_terminal(*args, env_extra=None):
            env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
            env.update(env_extra or {})
            master, slave = pty.openpty()
            proc = subprocess.Popen([BIN, *args], stdout=slave, stderr=slave, env=env)
            os.close(slave)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            proc.wait()
            os.close(master)
            return out.decode()

        valid = str(VECTORS / "chains" / "valid-small.json")
        self.assertIn("\x1b[32mvalid", on_terminal("verify", valid))
        self.assertNotIn("\x1b[", on_terminal("verify", valid, env_extra={"NO_COLOR": "1"}))
        self.assertNotIn("\x1b[", on_terminal("verify", "--color", "never", valid))
        self.assertIn("\x1b[32mvalid", on_terminal("verify", "--color", "always", valid, env_extra={"NO_COLOR": "1"}))

    def test_color_only_when_asked_or_on_a_terminal(self):
        plain = self.ok("verify", VECTORS / "chains" / "valid-small.json").out
        self.assertNotIn("\x1b[", plain)
        colored = self.ok("verify", "--color", "always", VECTORS / "chains" / "valid-small.json").out
        self.assertIn("\x1b[32mvalid\x1b[0m", colored)


if __name__ == "__main__":
    unittest.main()
