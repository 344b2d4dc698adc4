"""The node under abuse and at scale: limits for every request shape, slow clients, dead peers,
bounded pending transactions and peers."""

import json
import socket
import threading
import time
import unittest

from harness import ChainctlTestCase, run
from nodes import Network, http, wait_until


def silent_port(test):
    """A port that accepts connections and never answers: a blackholed or hung host."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    test.addCleanup(s.close)
    return s.getsockname()[1]


class LimitsTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.net = Network(self, self.tmp)

    def test_a_chunked_body_over_the_limit_gets_413_and_nothing_is_stored(self):
        node = self.net.chainctl_node("n")
        conn = socket.create_connection(("127.0.0.1", node.port))
        self.addCleanup(conn.close)
        conn.sendall(b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b'{"author": "a", "content": "' + b"x" * 65536
        frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        sent = 0
        answer = b""
        conn.settimeout(0.01)
        while sent < 60 * 1024 * 1024 and not answer:
            try:
                conn.sendall(frame)
                sent += len(chunk)
            except OSError:
                break  # the node closed the connection
            try:
                answer = conn.recv(4096)
            except socket.timeout:
                pass
        conn.settimeout(5)
        try:
            answer += conn.recv(4096)
        except OSError:
            pass
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:200])
        self.assertIn(b"larger than 1048576 bytes", answer)
        self.assertLess(sent, 8 * 1024 * 1024)  # refused as the limit passed, not at the end
        self.assertEqual(json.loads(node.get("pending_tx")[1]), [])
        self.assertEqual(node.get("health")[0], 200)

    def test_health_answers_while_hundreds_of_slow_clients_hold_connections(self):
        node = self.net.chainctl_node("n")
        slow = []
        for _ in range(300):
            s = socket.create_connection(("127.0.0.1", node.port))
            s.sendall(b"GET /chain HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
            self.addCleanup(s.close)
        stop = threading.Event()

        def drip():  # one more header line every half second, as slowloris does
            while not stop.is_set():
                for s in slow:
                    try:
                        s.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        pass
                stop.wait(0.5)

        dripper = threading.Thread(target=drip)
        dripper.start()
        self.addCleanup(lambda: (stop.set(), dripper.join()))
        for _ in range(10):
            self.assertEqual(node.get("health", timeout=2)[0], 200)
            time.sleep(0.1)

    def test_mine_does_not_wait_for_blackholed_peers(self):
        node = self.net.chainctl_node("n")
        for count in (1, 8):
            for _ in range(count - (1 if count == 8 else 0)):
                node.post("register_node", {"node_address": f"http://127.0.0.1:{silent_port(self)}/"})
            node.add("alice", f"with {count} dead peers")
            start = time.time()
            self.assertRegex(node.mine(), r"^Block #\d+ is mined\.$")
            self.assertLess(time.time() - start, 3)
        # The dead peers show as unreachable, with why, in /health and peer list.
        def all_unreachable():
            status = json.loads(node.get("health")[1])["peer_status"]
            return len(status) == 8 and all(p["state"] == "unreachable" for p in status)
        wait_until(all_unreachable, timeout=15, message="the peers to be found unreachable")
        peers = json.loads(node.get("health")[1])["peer_status"]
        self.assertIn("no answer within", peers[0]["last_error"])
        listed = run("peer", "list", "--node", node.url).out.splitlines()
        self.assertEqual(len(listed), 8)
        self.assertTrue(all("unreachable: cannot reach" in line for line in listed), listed)

    def test_register_with_a_hung_node_is_bounded_by_its_timeout(self):
        node = self.net.chainctl_node("n", "--register-timeout", "1.5")
        start = time.time()
        status, text = node.post("register_with", {"node_address": f"http://127.0.0.1:{silent_port(self)}/"})
        self.assertEqual(status, 504, text)
        self.assertLess(time.time() - start, 4)

    def test_pending_transactions_are_bounded_by_count_and_bytes(self):
        node = self.net.chainctl_node("n", "--max-pending", "3")
        for i in range(3):
            node.add("a", f"post {i}")
        status, text = node.post("new_transaction", {"author": "a", "content": "one too many"})
        self.assertEqual(status, 503, text)
        self.assertIn("--max-pending", text)
        req = http("POST", node.url + "new_transaction", {"author": "a", "content": "x"}, headers={"Accept": "application/json"})
        self.assertEqual(req[0], 503)
        # Nothing acknowledged was lost, and after a block there is room again.
        self.assertEqual(len(json.loads(node.get("pending_tx")[1])), 3)
        node.mine()
        node.add("a", "room again")
        small = self.net.chainctl_node("s", "--max-pending-mib", "0.001")  # 1048 bytes
        small.add("a", "x" * 500)
        status, text = small.post("new_transaction", {"author": "a", "content": "y" * 600})
        self.assertEqual(status, 503, text)
        self.assertIn("--max-pending-mib", text)

    def test_peers_are_bounded_in_all_and_per_host(self):
        node = self.net.chainctl_node("n", "--max-peers", "2", "--max-peers-per-host", "2")
        self.assertEqual(node.post("register_node", {"node_address": "http://127.0.0.1:9001/"})[0], 200)
        # Another path on the same host and port is the same server: refused.
        status, text = node.post("register_node", {"node_address": "http://127.0.0.1:9001/other/"})
        self.assertEqual(status, 409, text)
        self.assertIn("already has a peer at http://127.0.0.1:9001", text)
        self.assertEqual(node.post("register_node", {"node_address": "http://127.0.0.1:9002/"})[0], 200)
        status, text = node.post("register_node", {"node_address": "http://10.1.2.3:9003/"})
        self.assertEqual(status, 409, text)
        self.assertIn("--max-peers", text)
        self.assertEqual(len(json.loads(node.get("peers")[1])), 2)
        host = self.net.chainctl_node("h", "--max-peers-per-host", "1")
        self.assertEqual(host.post("register_node", {"node_address": "http://10.9.9.9:1/"})[0], 200)
        status, text = host.post("register_node", {"node_address": "http://10.9.9.9:2/"})
        self.assertEqual(status, 409, text)
        self.assertIn("--max-peers-per-host", text)


if __name__ == "__main__":
    unittest.main()
