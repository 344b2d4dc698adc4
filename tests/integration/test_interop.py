"""chainctl nodes and reference nodes in one network (the reference modelled by
tests/support/reference_node.py, run with Debian's python3-flask and python3-requests)."""

import json
import shutil
import unittest

from harness import ChainctlTestCase, VECTORS, run
from nodes import Network, reference_available, wait_until
from reference_model import load_chain


@unittest.skipUnless(reference_available(), "needs python3-flask and python3-requests (apt-get install python3-flask python3-requests)")
class InteropTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.net = Network(self, self.tmp)

    def test_chainctl_registers_with_a_reference_node_and_they_exchange_blocks(self):
        ref = self.net.reference_node("ref")
        ref.add("alice", "mined by the reference")
        self.assertEqual(ref.mine(), "Block #1 is mined.")
        c = self.net.chainctl_node("c")
        r = run("peer", "register", "--with", ref.url.rstrip("/"), "--node", c.url)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(c.chain()["chain"], ref.chain()["chain"])
        # The reference stored chainctl's address with the trailing slash it needs.
        self.assertEqual(ref.chain()["peers"], [c.url])
        self.assertEqual(json.loads(c.get("peers")[1]), [ref.url])
        # A block mined by the reference is announced to chainctl, which accepts it.
        ref.add("alice", "second")
        ref.mine()
        wait_until(lambda: c.length() == 3, message="chainctl to accept the reference's block")
        self.assertIn("POST /add_block 201", c.log())
        # A block mined by chainctl is accepted by the reference's /add_block: byte-exact hashes.
        c.add("bob", "caf\u00e9 \U0001F600 \u4e2d\u6587\n<b>\"quoted\"</b> \u2028 end")
        self.assertEqual(c.mine(), "Block #3 is mined.")
        wait_until(lambda: ref.length() == 4, message="the reference to accept chainctl's block")
        self.assertEqual(ref.chain()["chain"], c.chain()["chain"])

    def test_a_reference_node_registers_with_chainctl_and_loads_its_chain(self):
        c = self.net.chainctl_node("c")
        for i in range(3):
            c.add(f"author {i}", f"post {i} \u00e9\U0001F600")
            c.mine()
        # Without and with a trailing slash (the reference then asks for //register_node).
        for name, address in (("ref1", c.url.rstrip("/")), ("ref2", c.url)):
            ref = self.net.reference_node(name)
            status, text = ref.post("register_with", {"node_address": address})
            self.assertEqual((status, text), (200, "Registration successful"), ref.log())
            self.assertEqual(ref.chain()["chain"], c.chain()["chain"])
        self.assertEqual(sorted(json.loads(c.get("peers")[1])), sorted([n.url for n in self.net.nodes[1:]]))

    def test_a_mixed_line_relays_a_reference_block_across_chainctl_nodes(self):
        ref = self.net.reference_node("ref")
        c1 = self.net.chainctl_node("c1")
        c2 = self.net.chainctl_node("c2")
        for node, target in ((c1, ref), (c2, c1)):
            status, text = node.post("register_with", {"node_address": target.url})
            self.assertEqual(status, 200, text)
        # The reference only announces to its direct peer c1; c1 relays to c2.
        ref.add("alice", "two hops")
        ref.mine()
        wait_until(lambda: c2.length() == 2, message="the block to cross to c2")
        self.assertEqual(c2.tip(), ref.tip())
        # And back: c2 mines, c1 relays, the reference appends.
        c2.add("carol", "back again")
        c2.mine()
        wait_until(lambda: ref.length() == 3, message="c2's block to reach the reference")
        self.assertEqual(ref.tip(), c2.tip())

    def test_data_files_go_both_ways(self):
        # A reference node's data file (written at exit) becomes a chainctl repository.
        data = self.tmp / "ref-data.json"
        ref = self.net.reference_node("ref", data_file=data)
        for i in range(2):
            ref.add("alice", f"saved {i}")
            ref.mine()
        ref.stop()
        repo = self.tmp / "adopted"
        repo.mkdir()
        shutil.copy(data, repo / "chain.json")
        r = run("init", repo, "--json")
        self.assertEqual(r.code, 0, r)
        self.assertTrue(r.json()["adopted"])
        self.assertEqual(run("verify", "-C", repo).code, 0)
        # chainctl's chain.json, appended to, is a data file the reference loads.
        self.assertEqual(run("tx", "add", "-C", repo, "--author", "bob", "--content", "appended").code, 0)
        self.assertEqual(run("mine", "-C", repo).code, 0)
        load_chain(json.loads((repo / "chain.json").read_text())["chain"])
        ref2 = self.net.reference_node("ref2", data_file=repo / "chain.json")
        self.assertEqual(ref2.length(), 4)
        self.assertEqual(ref2.chain()["chain"], json.loads((repo / "chain.json").read_text())["chain"])

    def test_the_vector_chains_load_in_both(self):
        for name in ("valid-small.json", "valid-large.json"):
            ref = self.net.reference_node(name.split(".")[0], data_file=VECTORS / "chains" / name)
            self.assertEqual(ref.chain()["chain"], json.loads((VECTORS / "chains" / name).read_text())["chain"])


if __name__ == "__main__":
    unittest.main()
