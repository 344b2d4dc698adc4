"""cmake --install and cpack -G DEB put the binary, the man pages and the completions where they
belong, and man finds the pages."""

import os
import shutil
import subprocess
import unittest
from pathlib import Path

from harness import ROOT, ChainctlTestCase

BUILD = Path(os.environ.get("CHAINCTL_BUILD_DIR", Path(__file__).resolve().parents[2] / "build"))


class InstallTest(ChainctlTestCase):
    def test_cmake_install_puts_everything_in_place(self):
        prefix = self.tmp / "usr"
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        binary = prefix / "bin" / "chainctl"
        self.assertTrue(os.access(binary, os.X_OK))
        self.assertRegex(subprocess.run([binary, "--version"], capture_output=True, text=True).stdout, r"^chainctl ")
        pages = {p.name for p in (prefix / "share/man/man1").iterdir()}
        self.assertEqual(pages, {p.name for p in (ROOT / "man").glob("*.1")})
        self.assertTrue((prefix / "share/bash-completion/completions/chainctl").exists())
        self.assertTrue((prefix / "share/zsh/vendor-completions/_chainctl").exists())
        self.assertTrue((prefix / "share/fish/vendor_completions.d/chainctl.fish").exists())
        if shutil.which("man"):
            found = subprocess.run(["man", "-M", prefix / "share/man", "-w", "chainctl-verify"], capture_output=True, text=True)
            self.assertEqual(found.returncode, 0, found.stderr)
            self.assertEqual(Path(found.stdout.strip()), prefix / "share/man/man1/chainctl-verify.1")
            page = subprocess.run(["man", "-M", prefix / "share/man", "chainctl-verify"], capture_output=True, text=True,
                                  env={"MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80", "PATH": os.environ["PATH"]})
            self.assertIn("check chain files block by block", " ".join(page.stdout.split()))

    @unittest.skipUnless(shutil.which("dpkg-deb") and shutil.which("cpack"), "needs dpkg-deb and cpack")
    def test_cpack_makes_a_debian_package(self):
        r = subprocess.run(["cpack", "-G", "DEB", "-B", self.tmp], cwd=BUILD, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        debs = list(self.tmp.glob("chainctl_*.deb"))
        self.assertEqual(len(debs), 1, r.stdout)
        contents = subprocess.run(["dpkg-deb", "-c", debs[0]], capture_output=True, text=True).stdout
        for path in ("./usr/bin/chainctl", "./usr/share/man/man1/chainctl-verify.1",
                     "./usr/share/bash-completion/completions/chainctl"):
            self.assertIn(path, contents)
        depends = subprocess.run(["dpkg-deb", "-f", debs[0], "Depends"], capture_output=True, text=True).stdout
        # Read off the binary by dpkg-shlibdeps: OpenSSL (hashing, TLS to https peers) and the C++
        # runtime; Asio and CLI11 are header-only.
        self.assertIn("libssl3", depends)
        self.assertIn("libstdc++6", depends)


if __name__ == "__main__":
    unittest.main()
