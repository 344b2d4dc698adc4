"""The layer check itself: it passes on this tree and fails on an include that points up."""

import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "tests" / "structure" / "check_layers.py"

CMAKE = """
chain_module(json)
chain_module(ledger DEPENDS json LIBS OpenSSL::Crypto)
chain_module(store DEPENDS ledger)
chain_module(http DEPENDS json)
"""


class LayerCheckTest(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="chainctl-layers-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        (self.root / "lib").mkdir()
        (self.root / "lib" / "CMakeLists.txt").write_text(CMAKE)
        for module in ("json", "ledger", "store", "http"):
            (self.root / "lib" / module).mkdir()

    def write(self, path, text):
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text)

    def check(self):
        return subprocess.run([sys.executable, CHECK, self.root], capture_output=True, text=True)

    def test_the_repository_passes(self):
        r = subprocess.run([sys.executable, CHECK, ROOT], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_includes_of_lower_modules_pass_directly_and_transitively(self):
        self.write("lib/store/a.cpp", '#include "ledger/b.hpp"\n#include "json/c.hpp"\n#include "store/d.hpp"\n')
        r = self.check()
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_an_include_that_points_up_fails_and_is_named(self):
        self.write("lib/ledger/block.cpp", '#include "json/value.hpp"\n#include "store/repository.hpp"\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("lib/ledger/block.cpp:2 includes store/", r.stdout)

    def test_an_include_sideways_fails(self):
        self.write("lib/store/local.cpp", '#  include "http/url.hpp"\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("lib/store/local.cpp:1 includes http/", r.stdout)

    def test_a_unit_test_may_use_only_its_module(self):
        self.write("tests/unit/json/t.cpp", '#include "ledger/block.hpp"\n')
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("tests/unit/json/t.cpp:1 includes ledger/", r.stdout)

    def test_an_undeclared_module_folder_fails(self):
        (self.root / "lib" / "net").mkdir()
        r = self.check()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("lib/net/ is not declared", r.stdout)

    def test_a_cycle_fails(self):
        (self.root / "lib" / "CMakeLists.txt").write_text(CMAKE + "chain_module(a DEPENDS b)\nchain_module(b DEPENDS a)\n")
        r = self.check()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("dependency cycle", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
