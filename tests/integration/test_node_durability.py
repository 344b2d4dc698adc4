"""A 201 means the data survives kill -9; a clean stop loses nothing either."""

import json
import subprocess
import threading
import unittest

from harness import BIN, ChainctlTestCase, run
from nodes import Network, free_port, http


class NodeDurabilityTest(ChainctlTestCase):
    def test_kill_9_loses_no_acknowledged_transaction(self):
        net = Network(self, self.tmp)
        port = free_port()
        node = net.chainctl_node("n", port=port)
        acknowledged = []
        lock = threading.Lock()

        def poster(k):
            for i in range(400):
                try:
                    status, _ = http("POST", node.url + "new_transaction", {"author": f"w{k}", "content": f"{k}-{i}"}, timeout=5)
                except OSError:
                    return  # the node died
                if status == 201:
                    with lock:
                        acknowledged.append(f"{k}-{i}")

        threads = [threading.Thread(target=poster, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        import time
        time.sleep(0.3)
        node.kill()  # SIGKILL in the middle of the writes
        for t in threads:
            t.join()
        self.assertGreater(len(acknowledged), 50)
        again = net.chainctl_node("n", port=port)
        stored = [t["content"] for t in json.loads(again.get("pending_tx")[1])]
        self.assertEqual(len(stored), len(set(stored)))
        self.assertEqual(set(acknowledged) - set(stored), set())

    def test_a_mined_block_survives_kill_9(self):
        net = Network(self, self.tmp)
        port = free_port()
        node = net.chainctl_node("n", port=port)
        node.add("alice", "keep me")
        node.mine()
        tip = node.tip()
        node.kill()
        self.assertEqual(run("verify", "-C", node.repo).code, 0)
        again = net.chainctl_node("n", port=port)
        self.assertEqual(again.tip(), tip)
        self.assertEqual(json.loads(again.get("pending_tx")[1]), [])

    def test_sigterm_stops_cleanly_with_everything_on_disk(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        node.add("alice", "pending at shutdown")
        node.post("register_node", {"node_address": "http://127.0.0.1:1/"})
        self.assertEqual(node.stop(), 0)
        self.assertIn("Stopped", node.log())
        pending = run("tx", "list", "--json", "-C", node.repo).json()
        self.assertEqual([t["content"] for t in pending], ["pending at shutdown"])
        self.assertEqual(run("peer", "list", "-C", node.repo).out.strip(), "http://127.0.0.1:1/")

    def test_the_chain_body_is_the_file_on_disk(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        for i in range(3):
            node.add("a", f"p{i}")
            node.mine()
        node.post("register_node", {"node_address": "http://10.0.0.9:8000"})
        status, body = node.get("chain")
        self.assertEqual(body, (node.repo / "chain.json").read_text())

    def test_one_node_per_repository(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        r = subprocess.run([BIN, "node", "serve", "-C", node.repo, "--port", "0"], capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("a node already serves", r.stderr)
        self.assertIn(node.url, r.stderr)

    def test_a_bad_advertise_address_is_a_usage_error_and_creates_nothing(self):
        r = subprocess.run([BIN, "node", "serve", "-C", self.tmp / "x", "--port", "0", "--advertise", "10.0.0.1:8000"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 2)
        self.assertIn("chainctl: error: --advertise: node address must be an http or https URL", r.stderr)
        # Every argument is checked before anything is created.
        self.assertFalse((self.tmp / "x").exists())

    def test_a_taken_port_is_a_clear_error(self):
        net = Network(self, self.tmp)
        node = net.chainctl_node("n")
        r = subprocess.run([BIN, "node", "serve", "-C", self.tmp / "other", "--port", str(node.port)],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"cannot listen on 127.0.0.1:{node.port}: address already in use", r.stderr)


if __name__ == "__main__":
    unittest.main()
