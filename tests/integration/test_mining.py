"""Mining in a node: it never blocks reads, and a block for the same height from a peer makes the
search start again on the new tip."""

import json
import threading
import time
import unittest

from harness import ChainctlTestCase, run
from nodes import Network, http, wait_until

# Block #1 on top of genesis, mined once with 7 leading zeros (about 270 million hashes), so that
# a node at difficulty 7 is still searching for its own block #1 when this one arrives.
BLOCK_7_ZEROS = {
    "index": 1,
    "transactions": [
        {
            "author": "fixture",
            "content": "a block mined once, at difficulty 7, for chainctl's tests",
            "timestamp": 1795283944.3323648
        }
    ],
    "timestamp": 1795283944.3425658,
    "previous_hash": "6dbf23122cb5046cc5c0c1b245c75f8e43c59ca8ffeac292715e5078e631d0c9",
    "nonce": 566110908,
    "hash": "00000002b88753a8188fa15f8e1c9236de71b466e4fe4746668659a80aab523a"
}


class NodeMiningTest(ChainctlTestCase):
    def test_reads_go_on_and_a_peer_block_restarts_the_search(self):
        net = Network(self, self.tmp)
        for attempt in range(3):
            node = net.chainctl_node(f"m{attempt}", "--threads", "1", init_args=("--difficulty", "7"))
            node.add("alice", "still pending")
            answer = {}
            miner = threading.Thread(target=lambda: answer.update(r=http("GET", node.url + "mine", timeout=60)))
            miner.start()
            time.sleep(0.3)
            if node.length() != 1:  # found a block in 0.3 s: about one chance in 700
                miner.join()
                continue
            # Mining holds no lock that reads need.
            start = time.time()
            for _ in range(5):
                self.assertEqual(node.get("chain")[0], 200)
                self.assertEqual(node.get("pending_tx")[0], 200)
            self.assertLess(time.time() - start, 1)
            # A peer's block for height 1 arrives: accepted at once, and the search restarts on it.
            status, text = node.post("add_block", json.dumps(BLOCK_7_ZEROS, sort_keys=True))
            self.assertEqual(status, 201, text)
            self.assertEqual(node.tip(), BLOCK_7_ZEROS["hash"])
            wait_until(lambda: "searching again on the new tip" in node.log(), message="the search to restart")
            self.assertIn("block #1", node.log())
            self.assertEqual([t["content"] for t in json.loads(node.get("pending_tx")[1])], ["still pending"])
            # Stopping cancels the search; nothing is lost.
            self.assertEqual(node.stop(), 0)
            miner.join(timeout=30)
            self.assertFalse(miner.is_alive())
            pending = run("tx", "list", "--json", "-C", node.repo).json()
            self.assertEqual([t["content"] for t in pending], ["still pending"])
            self.assertEqual(run("chain", "show", "--json", "-C", node.repo).json()["chain"][1], BLOCK_7_ZEROS)
            return
        self.fail("the node found a difficulty-7 block three times in 0.3 s")


if __name__ == "__main__":
    unittest.main()
