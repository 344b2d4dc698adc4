"""The man pages and the README cannot drift from --help: every command has a page whose
OPTIONS section lists exactly the options --help shows, and the README names every command."""

import re
import shutil
import subprocess
import unittest

from harness import ROOT, ChainctlTestCase, run

MAN = ROOT / "man"


def help_sections(path):
    """Options and subcommands that `chainctl PATH --help` lists."""
    out = run(*path, "--help").out
    options, subcommands, section = set(), [], None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            section = line[:-1]
            continue
        if not line.startswith("  "):
            continue
        first = line.split()[0]
        if section == "Options":
            options.update(f for f in first.split(",") if f.startswith("-"))
        elif section == "Subcommands":
            subcommands.append(first)
    options -= {"-h", "--help"}
    return options, subcommands


def command_tree(path=()):
    """Every command path, e.g. (), ('tx',), ('tx', 'add'), with its options and subcommands."""
    options, subcommands = help_sections(path)
    yield path, options, subcommands
    for sub in subcommands:
        yield from command_tree(path + (sub,))


def man_options(page):
    """Options named in the OPTIONS section of a man page."""
    text = page.read_text()
    match = re.search(r"^\.SH OPTIONS\n(.*?)(?=^\.SH )", text, re.S | re.M)
    if not match:
        return set()
    section = match.group(1).replace("\\-", "-")
    # The term line after each .TP names the option(s) the item documents.
    terms = re.findall(r"^\.TP\n(.*)$", section, re.M)
    return {o for term in terms for o in re.findall(r"\\fB(--?[A-Za-z][\w-]*)", term)}


class DocsTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.tree = list(command_tree())
        self.leaves = [(p, o) for p, o, subs in self.tree if p and not subs]

    def test_the_tree_is_what_we_think(self):
        names = {" ".join(p) for p, _ in self.leaves}
        for expected in ("init", "tx add", "tx list", "mine", "chain show", "verify", "block hash", "bench"):
            self.assertIn(expected, names)

    def test_every_command_has_a_man_page_with_the_options_of_its_help(self):
        for path, options in self.leaves:
            with self.subTest(command=" ".join(path)):
                page = MAN / f"chainctl-{'-'.join(path)}.1"
                self.assertTrue(page.exists(), f"missing {page.name}")
                self.assertEqual(man_options(page), options)
                text = page.read_text()
                for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES"):
                    self.assertIn(f".SH {section}", text)

    def test_the_main_page_lists_global_options_and_every_command(self):
        root_options = self.tree[0][1]
        page = MAN / "chainctl.1"
        self.assertEqual(man_options(page) - {"-h", "--help", "--version"}, root_options - {"--version"})
        text = page.read_text().replace("\\-", "-")
        for path, _ in self.leaves:
            self.assertIn(f"chainctl-{'-'.join(path)} (1)", text.replace(".BR ", "").replace(" (1)", " (1)"))
        for section in ("EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
            self.assertIn(f".SH {section}", page.read_text())

    def test_no_page_describes_a_command_that_does_not_exist(self):
        pages = {p.name for p in MAN.glob("chainctl-*.1")}
        commands = {f"chainctl-{'-'.join(p)}.1" for p, _ in self.leaves}
        self.assertEqual(pages - commands, set())

    def test_the_readme_names_every_command(self):
        readme = (ROOT / "README.md").read_text()
        for path, _ in self.leaves:
            self.assertIn(f"chainctl {' '.join(path)}", readme)

    @unittest.skipUnless(shutil.which("man"), "man is not installed")
    def test_pages_render_without_warnings(self):
        for page in MAN.glob("*.1"):
            r = subprocess.run(["man", "--warnings", "-l", "-Tutf8", str(page)], capture_output=True, text=True,
                               env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin"})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "", page.name)


if __name__ == "__main__":
    unittest.main()
