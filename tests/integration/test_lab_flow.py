"""The lab's flow with real chainctl nodes on loopback, and blocks across multi-hop topologies."""

import json
import time
import unittest

from harness import ChainctlTestCase, run
from nodes import Network, free_port, wait_until


class LabFlowTest(ChainctlTestCase):
    def test_the_lab_flow_with_a_node_that_dies_and_comes_back(self):
        net = Network(self, self.tmp)
        port_a = free_port()
        a = net.chainctl_node("a", port=port_a)
        # Post and mine through A.
        a.add("alice", "first post")
        self.assertEqual(a.mine(), "Block #1 is mined.")
        # B registers with A (the lab's curl /register_with step) and syncs.
        b = net.chainctl_node("b")
        r = run("peer", "register", "--with", a.url, "--node", b.url)
        self.assertEqual(r.code, 0, r)
        self.assertEqual(r.out.strip(), "Registration successful")
        self.assertEqual(b.chain()["chain"], a.chain()["chain"])
        # Registration went both ways.
        self.assertEqual(json.loads(a.get("peers")[1]), [b.url])
        self.assertEqual(json.loads(b.get("peers")[1]), [a.url])
        # Post and mine on B; A sees B's block.
        b.add("bob", "from b")
        self.assertEqual(b.mine(), "Block #2 is mined.")
        wait_until(lambda: a.length() == 3, message="A to receive B's block")
        self.assertEqual(a.tip(), b.tip())
        # Kill A; B keeps posting and mining, without waiting on the dead peer.
        a.kill()
        for i in range(3):
            b.add("bob", f"while A is down {i}")
            start = time.time()
            b.mine()
            self.assertLess(time.time() - start, 3, "mining waited on the dead peer")
        self.assertEqual(b.length(), 6)
        # Restart A on its address: it catches up from B.
        a2 = net.chainctl_node("a", port=port_a)
        wait_until(lambda: a2.length() == 6, timeout=15, message="A to catch up")
        self.assertEqual(a2.chain()["chain"], b.chain()["chain"])
        self.assertEqual(run("verify", "-C", a2.repo).code, 0)
        self.assertEqual(run("verify", "-C", b.repo).code, 0)


class TopologyTest(ChainctlTestCase):
    def connect(self, a, b):
        status, text = a.post("register_with", {"node_address": b.url})
        self.assertEqual(status, 200, text)

    def test_registering_merges_peers_as_the_reference_does(self):
        net = Network(self, self.tmp)
        a, b, c = (net.chainctl_node(n) for n in "abc")
        self.connect(b, a)  # b: [a]; a: [b]
        self.connect(c, a)  # c takes a's peers too: [a, b]
        self.assertEqual(sorted(json.loads(c.get("peers")[1])), sorted([a.url, b.url]))
        self.assertEqual(sorted(json.loads(a.get("peers")[1])), sorted([b.url, c.url]))

    def test_a_block_crosses_a_line_of_nodes(self):
        net = Network(self, self.tmp)
        nodes = [net.chainctl_node(f"n{i}") for i in range(5)]
        for left, right in zip(nodes, nodes[1:]):
            self.connect(left, right)
        nodes[0].add("alice", "end to end")
        nodes[0].mine()
        wait_until(lambda: all(n.length() == 2 for n in nodes), message="the block to reach the far end")
        self.assertEqual(len({n.tip() for n in nodes}), 1)

    def link(self, a, b):
        """Exactly one edge: each node adds the other (/register_node), no peers merged."""
        for x, y in ((a, b), (b, a)):
            status, text = x.post("register_node", {"node_address": y.url})
            self.assertEqual(status, 200, text)

    def test_a_block_goes_round_a_ring_and_stops(self):
        net = Network(self, self.tmp)
        nodes = [net.chainctl_node(f"r{i}") for i in range(6)]
        for i, node in enumerate(nodes):
            self.link(node, nodes[(i + 1) % len(nodes)])
        for n in nodes:
            self.assertEqual(len(json.loads(n.get("peers")[1])), 2)
        nodes[2].add("carol", "round we go")
        start = time.time()
        nodes[2].mine()
        wait_until(lambda: all(n.length() == 2 for n in nodes), message="the block to go round")
        self.assertLess(time.time() - start, 5)
        # Each node appended the block once; relays stopped at nodes that had it.
        time.sleep(0.3)
        for n in nodes:
            log = n.log()
            self.assertLessEqual(log.count("POST /add_block 201"), 1, n.name)
        self.assertEqual(len({n.tip() for n in nodes}), 1)


if __name__ == "__main__":
    unittest.main()
