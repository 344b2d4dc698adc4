"""Consensus that works: forks resolved by the longest valid chain, gaps filled by syncing."""

import json
import unittest

from harness import ChainctlTestCase
from fake_peers import FakePeer
from nodes import Network, wait_until


class ConsensusTest(ChainctlTestCase):
    def test_a_fork_is_resolved_by_the_longest_chain(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        # Apart, A mines two blocks and B one: two chains that share only genesis.
        a.post_and_mine("alice", "a0", "a1")
        b.post_and_mine("bob", "b0 is orphaned")
        self.assertNotEqual(a.chain()["chain"][1], b.chain()["chain"][1])
        # B joins A: A's chain is longer, so B adopts it...
        status, text = b.post("register_with", {"node_address": a.url})
        self.assertEqual(status, 200, text)
        self.assertEqual(b.chain()["chain"], a.chain()["chain"])
        # ...and the transaction of B's orphaned block is pending again, not lost.
        pending = json.loads(b.get("pending_tx")[1])
        self.assertEqual([t["content"] for t in pending], ["b0 is orphaned"])
        b.mine()
        wait_until(lambda: a.length() == 4, message="A to take B's next block")
        contents = [t["content"] for blk in a.chain()["chain"] for t in blk["transactions"]]
        self.assertEqual(contents, ["a0", "a1", "b0 is orphaned"])

    def test_a_node_learns_of_a_longer_chain_in_the_background_and_mines_on_it(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        b.post_and_mine("bob", "b0", "b1", "b2")
        # A knows B (one way) and never syncs on a timer: its background probe of B finds the
        # longer chain, and A takes it without anyone asking.
        a.post("register_node", {"node_address": b.url})
        wait_until(lambda: a.length() == 4, message="A to take B's longer chain")
        self.assertEqual(a.chain()["chain"], b.chain()["chain"])
        # So A mines on it, and B takes A's block.
        a.add("alice", "mined on the longest chain")
        self.assertEqual(a.mine(), "Block #4 is mined.")
        wait_until(lambda: b.length() == 5, message="B to take A's block")
        self.assertEqual(a.chain()["chain"], b.chain()["chain"])

    def test_a_gap_makes_the_node_sync_instead_of_refusing(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        b = net.chainctl_node("b")
        a.post_and_mine("alice", "post 0", "post 1", "post 2")
        # B knows A but holds only genesis; A's tip block arrives: a gap of two blocks.
        b.post("register_node", {"node_address": a.url})
        tip = a.chain()["chain"][-1]
        status, text = b.post("add_block", json.dumps(tip, sort_keys=True), headers={"Content-Type": "application/json"})
        self.assertEqual(status, 202, text)
        self.assertIn("gap", text)
        wait_until(lambda: b.length() == 4, message="B to sync after the gap")
        self.assertEqual(b.chain()["chain"], a.chain()["chain"])

    def test_a_longer_but_invalid_chain_is_refused(self):
        net = Network(self, self.tmp)
        a = net.chainctl_node("a")
        source = net.chainctl_node("source")
        source.post_and_mine("mallory", "m0", "m1", "m2")
        tampered = source.chain()
        tampered["chain"][2]["transactions"][0]["content"] = "rewritten history"
        fake = FakePeer(json.dumps(tampered))
        self.addCleanup(fake.close)
        # Registering with it: the chain is checked block by block and refused, with the reason.
        status, text = a.post("register_with", {"node_address": fake.url})
        self.assertEqual(status, 502, text)
        self.assertIn("not valid", text)
        self.assertIn("block 2: hash mismatch", text)
        self.assertEqual(a.length(), 1)
        # Announced as a gap, the same chain is fetched by consensus and refused again.
        a.post("register_node", {"node_address": fake.url})
        status, text = a.post("add_block", json.dumps(tampered["chain"][3]), headers={"Content-Type": "application/json"})
        self.assertEqual(status, 202, text)
        wait_until(lambda: "GET /chain" in fake.requests, message="A to fetch the fake chain")
        wait_until(lambda: "not valid" in a.log(), message="A to log the refusal")
        self.assertEqual(a.length(), 1)


if __name__ == "__main__":
    unittest.main()
