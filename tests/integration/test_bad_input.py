"""Bad input of every kind gets a 4xx with a one-line reason; the node keeps serving and nothing
changes."""

import json
import socket
import threading
import time
import unittest

from harness import ChainctlTestCase
from nodes import Network, http


class BadInputTest(ChainctlTestCase):
    def setUp(self):
        super().setUp()
        self.net = Network(self, self.tmp)
        self.node = self.net.chainctl_node("n", "--max-body", "0.01", "--client-timeout", "1")
        self.node.add("alice", "already here")
        self.node.mine()
        self.node.add("bob", "pending")

    def state(self):
        n = self.node
        return n.get("chain")[1], n.get("pending_tx")[1], n.get("peers")[1]

    def check(self, method, path, body, status, fragment, headers=None):
        before = self.state()
        got, text = http(method, self.node.url + path, body, headers=headers)
        self.assertEqual(got, status, f"{method} /{path} {body!r}: {text}")
        self.assertIn(fragment, text)
        self.assertEqual(len(text.strip().splitlines()), 1, text)
        self.assertEqual(self.state(), before, "state changed")
        self.assertTrue(self.node.running())

    def test_malformed_json(self):
        for path in ("new_transaction", "add_block", "register_node", "register_with"):
            with self.subTest(path=path):
                self.check("POST", path, '{"author": ', 400, "malformed JSON at line 1, column 12")
                self.check("POST", path, "", 400, "no body")
                self.check("POST", path, "\xff\xfe", 400, "malformed JSON")

    def test_wrong_types_and_missing_fields(self):
        self.check("POST", "new_transaction", {"author": "a"}, 400, '"content" is required')
        self.check("POST", "new_transaction", {"author": "", "content": "c"}, 400, '"author" must not be empty')
        self.check("POST", "new_transaction", {"author": [], "content": "c"}, 400, '"author" must not be []')
        self.check("POST", "new_transaction", {"author": "a", "content": 0}, 400, '"content" must not be 0')
        self.check("POST", "new_transaction", [1, 2], 400, "must be a JSON object, found array")
        self.check("POST", "new_transaction", "null", 400, "found null")
        self.check("POST", "register_node", {"address": "http://x/"}, 400, 'send {"node_address"')
        self.check("POST", "register_with", {"node_address": 8000}, 400, "must be a non-empty string")
        block = json.loads(self.node.get("chain")[1])["chain"][1]
        for broken, fragment in [
            (dict(block, index="1"), "bad field type: index must be an integer, found string"),
            ({k: v for k, v in block.items() if k != "nonce"}, "missing field: nonce"),
            (dict(block, transactions=["x"]), "transactions must be an array of objects"),
            (dict(block, nonce=block["nonce"] + 1), "hash mismatch"),
            (dict(block, extra=1), "unexpected field: extra"),
            ("not a block", "bad block: expected an object, found string"),
        ]:
            self.check("POST", "add_block", json.dumps(broken), 400, fragment)
            self.assertIn("The block was discarded by the node: ", http("POST", self.node.url + "add_block", json.dumps(broken))[1])

    def test_bodies_over_the_limit(self):
        big = {"author": "a", "content": "x" * 20000}
        self.check("POST", "new_transaction", big, 413, "larger than 10485 bytes")

    def test_unknown_paths_and_methods(self):
        self.check("GET", "nope", None, 404, "no such endpoint: GET /nope")
        self.check("POST", "chain", {}, 405, "POST is not allowed on /chain")
        self.check("GET", "new_transaction", None, 405, "GET is not allowed on /new_transaction")
        self.check("DELETE", "mine", None, 405, "DELETE is not allowed on /mine")
        self.check("PUT", "add_block", {}, 405, "use POST")

    def test_node_addresses_must_be_http_urls(self):
        for address in ("ftp://host/", "127.0.0.1:8000", "http://", "http://h:99999/", "http://user@h/",
                        "http://h/?q=1", "javascript:alert(1)"):
            with self.subTest(address=address):
                self.check("POST", "register_node", {"node_address": address}, 400, "must be an http or https URL")
                self.check("POST", "register_with", {"node_address": address}, 400, "must be an http or https URL")

    def test_a_node_never_peers_with_itself(self):
        for address in (self.node.url, self.node.url.rstrip("/"), self.node.url.replace("127.0.0.1", "localhost")):
            self.check("POST", "register_node", {"node_address": address}, 400, "this node's own address")
            self.check("POST", "register_with", {"node_address": address}, 400, "this node's own address")

    def test_json_error_bodies_when_asked(self):
        status, text = http("POST", self.node.url + "new_transaction", {"author": "a"},
                            headers={"Accept": "application/json", "Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(text), {"error": 'invalid transaction: "content" is required'})
        status, text = http("GET", self.node.url + "nope", headers={"Accept": "application/json"})
        self.assertEqual(json.loads(text), {"error": "no such endpoint: GET /nope"})

    def test_unreachable_addresses_at_registration(self):
        # Nothing listens: 502 at once.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            dead = s.getsockname()[1]
        start = time.time()
        self.check("POST", "register_with", {"node_address": f"http://127.0.0.1:{dead}"}, 502, "connection refused")
        self.assertLess(time.time() - start, 2)
        # Something accepts the connection but never answers: 504 after the peer timeout.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        start = time.time()
        self.check("POST", "register_with", {"node_address": f"http://127.0.0.1:{silent.getsockname()[1]}/"}, 504, "no answer")
        self.assertLess(time.time() - start, 15)  # 5x the --peer-timeout of 1 s, plus slack

    def test_a_slow_client_does_not_block_others(self):
        slow = socket.create_connection(("127.0.0.1", self.node.port))
        self.addCleanup(slow.close)
        slow.sendall(b"POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"au")
        start = time.time()
        for _ in range(5):
            self.assertEqual(self.node.get("health")[0], 200)
        self.assertLess(time.time() - start, 1)
        slow.settimeout(10)
        reply = slow.recv(1000)  # dropped after --client-timeout
        self.assertLess(time.time() - start, 5)
        self.assertFalse(reply.startswith(b"HTTP/1.1 201"))
        self.assertEqual(len(json.loads(self.node.get("pending_tx")[1])), 1)

    def test_many_bad_requests_at_once_leave_it_serving(self):
        def hammer():
            for i in range(50):
                http("POST", self.node.url + "add_block", '{"index": [' * 300)
                http("POST", self.node.url + "new_transaction", '{"author":' + '"x"' * 50)
        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(self.node.get("health")[0], 200)
        self.assertEqual(len(json.loads(self.node.get("pending_tx")[1])), 1)


if __name__ == "__main__":
    unittest.main()
