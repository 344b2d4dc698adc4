"""Small fake servers standing in for peers and nodes in the tests: a peer that serves a chain
file, one that streams an endless answer, one whose /chain is whatever a test gives. Each runs
on 127.0.0.1 on a free port, in a thread, and records the requests it got."""

import http.server
import threading


class FakePeer:
    """Serves chain_text at GET /chain and as the answer to POST /register_node; 404 for other
    GETs and "ok" for other POSTs. With endless=True, /register_node and /chain answer a body
    that never ends."""

    def __init__(self, chain_text="", endless=False, routes=None):
        requests = self.requests = []
        routes = dict(routes or {})

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def answer(self, status, body, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def endless(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    self.wfile.write(b'{"length": 1, "chain": [')
                    while True:
                        self.wfile.write(b'{"x": "' + b"y" * 65536 + b'"}, ')
                except OSError:
                    pass

            def do_GET(self):
                requests.append(f"GET {self.path}")
                if self.path in routes:
                    return self.answer(200, routes[self.path].encode())
                if self.path == "/chain":
                    return self.endless() if endless else self.answer(200, chain_text.encode())
                self.answer(404, b"not found", "text/plain")

            def do_POST(self):
                requests.append(f"POST {self.path}")
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                if self.path == "/register_node":
                    return self.endless() if endless else self.answer(200, chain_text.encode())
                self.answer(200, b"ok", "text/plain")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
