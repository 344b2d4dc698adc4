"""Completions for bash, zsh and fish: generated from the command tree, committed under
completions/, and exercised in the real shells."""

import shutil
import subprocess
import unittest

from harness import ROOT, ChainctlTestCase, run

COMPLETIONS = ROOT / "completions"
FILES = {"bash": "chainctl.bash", "zsh": "_chainctl", "fish": "chainctl.fish"}


class CompletionFilesTest(ChainctlTestCase):
    def test_the_committed_scripts_are_what_the_command_tree_generates(self):
        for shell, name in FILES.items():
            with self.subTest(shell=shell):
                generated = self.ok("completion", shell).out
                self.assertEqual((COMPLETIONS / name).read_text(), generated,
                                 f"completions/{name} is stale: run chainctl completion {shell} > completions/{name}")

    def test_every_command_and_option_is_in_every_script(self):
        from test_docs import command_tree
        for shell, name in FILES.items():
            text = (COMPLETIONS / name).read_text()
            for path, options, subs in command_tree():
                for sub in subs:
                    self.assertIn(sub, text, f"{shell}: command {sub}")
                for option in options:
                    bare = option.lstrip("-")
                    self.assertIn(bare, text, f"{shell}: option {option} of {' '.join(path)}")

    def test_json_wraps_the_script(self):
        doc = self.ok("completion", "zsh", "--json").json()
        self.assertEqual(doc, {"shell": "zsh", "script": (COMPLETIONS / "_chainctl").read_text()})

    def test_the_completion_command_is_listed_and_checks_its_argument(self):
        # Listed, so that `chainctl help completion` and the command list agree (issue 9).
        self.assertIn("completion", self.ok("--help").out)
        self.fails(2, "completion", "tcsh")


class BashCompletionTest(ChainctlTestCase):
    def complete(self, line):
        """What bash offers at the end of line (a trailing space starts a new word)."""
        script = f"""
source {COMPLETIONS / 'chainctl.bash'}
read -ra COMP_WORDS <<< {line!r}
[[ {line!r} == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
COMP_LINE={line!r}
_chainctl
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [x for x in r.stdout.split("\n") if x]

    def test_subcommands_and_nested_subcommands(self):
        self.assertEqual(self.complete("chainctl tx a"), ["add"])
        self.assertIn("verify", self.complete("chainctl "))
        self.assertEqual(self.complete("chainctl peer "), ["register", "add", "list"])
        self.assertEqual(self.complete("chainctl -C repo --json chain "), ["show"])

    def test_flags(self):
        self.assertEqual(sorted(self.complete("chainctl node serve --p")), ["--peer", "--peer-timeout", "--port", "--probe-interval"])
        self.assertIn("--node", self.complete("chainctl tx add --"))
        self.assertIn("--json", self.complete("chainctl verify --"))  # global flags after a command
        # An option's value is skipped: the path after it is still "node serve".
        self.assertIn("--advertise", self.complete("chainctl node serve --port 8000 --"))

    def test_values_of_enumerated_flags(self):
        self.assertEqual(self.complete("chainctl chain show --format "), ["table", "posts"])
        self.assertEqual(self.complete("chainctl chain show --format p"), ["posts"])
        self.assertEqual(self.complete("chainctl --color "), ["auto", "always", "never"])

    def test_files_and_directories(self):
        (self.tmp / "chain-a.json").write_text("{}")
        (self.tmp / "chain-b.json").write_text("{}")
        (self.tmp / "somedir").mkdir()
        self.assertEqual(sorted(self.complete("chainctl verify chain-")), ["chain-a.json", "chain-b.json"])
        self.assertEqual(self.complete("chainctl block hash chain-a"), ["chain-a.json"])
        self.assertEqual(self.complete("chainctl -C some"), ["somedir"])
        self.assertEqual(self.complete("chainctl init some"), ["somedir"])
        self.assertEqual(self.complete("chainctl tx add --author "), [])


@unittest.skipUnless(shutil.which("zsh"), "zsh is not installed (apt-get install zsh)")
class ZshCompletionTest(ChainctlTestCase):
    def complete(self, *words):
        """What the zsh function hands to the completion system, which is stubbed out to print."""
        quoted = " ".join(f"'{w}'" for w in words)
        script = f"""
_describe() {{ local -a items=("${{(@P)4}}"); print -l -- ${{items%%:*}}; }}
compadd() {{ [[ $1 == -a ]] && print -l -- "${{(@P)2}}" || print -l -- "$@"; }}
_files() {{ print -- "<files $*>"; }}
_message() {{ print -- "<message $*>"; }}
words=()
CURRENT=1
source {COMPLETIONS / '_chainctl'} > /dev/null  # it completes once when sourced
words=(chainctl {quoted})
CURRENT=${{#words}}
_chainctl
"""
        r = subprocess.run(["zsh", "-f", "-c", script], capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [x.replace("\\", "") for x in r.stdout.split("\n") if x]

    def test_commands_flags_values_and_files(self):
        self.assertEqual(self.complete("tx", "a"), ["add", "list"])  # zsh filters by prefix itself
        self.assertIn("serve", self.complete("node", ""))
        opts = self.complete("node", "serve", "--p")
        for flag in ("--port", "--peer", "--peer-timeout"):
            self.assertIn(flag, opts)
        self.assertEqual(self.complete("chain", "show", "--format", ""), ["table", "posts"])
        self.assertEqual(self.complete("verify", ""), ["<files >"])
        self.assertEqual(self.complete("-C", ""), ["<files -/>"])


@unittest.skipUnless(shutil.which("fish"), "fish is not installed (apt-get install fish)")
class FishCompletionTest(ChainctlTestCase):
    def complete(self, line):
        r = subprocess.run(["fish", "--no-config", "-c", f"source {COMPLETIONS / 'chainctl.fish'}; complete -C {line!r}"],
                           capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [x.split("\t")[0] for x in r.stdout.split("\n") if x]

    def test_commands_flags_values_and_files(self):
        self.assertEqual(self.complete("chainctl tx a"), ["add"])
        self.assertEqual(sorted(self.complete("chainctl node serve --p")), ["--peer", "--peer-timeout", "--port", "--probe-interval"])
        self.assertEqual(sorted(self.complete("chainctl chain show --format ")), ["posts", "table"])
        self.assertEqual(sorted(self.complete("chainctl --color ")), ["always", "auto", "never"])
        (self.tmp / "mychain.json").write_text("{}")
        self.assertEqual(self.complete("chainctl verify myc"), ["mychain.json"])


if __name__ == "__main__":
    unittest.main()
