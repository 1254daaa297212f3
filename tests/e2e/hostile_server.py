#!/usr/bin/env python3
"""A hostile HTTP server for tests/e2e/faults.sh: every way a target can misbehave, one per
path, on 127.0.0.1 at a free port (printed as "port N" on stdout). It exits by itself after
--lifetime seconds (default 120), and every connection ends when its client leaves.

  /reset            answers the head of a response, then resets the connection (RST)
  /close_headers    a status line and headers announcing 1000 bytes, then closes
  /garbage          no status line: "garbage"
  /endless_chunked  a chunked body that never ends
  /huge_body        a 64 MB body (Content-Length), ending in "END"
  /huge_headers     a valid status line, then 400 kB of headers
  /stall            reads the request and never answers
  /drip             a response of 100 bytes, one byte every 50 ms
  /redirect_loop    302 to itself, forever
  /storm            503 Service Unavailable, every time
"""
import argparse
import socket
import socketserver
import struct
import threading
import time

HUGE_BODY = b"x" * (64 * 1024 * 1024 - 3) + b"END"
PAD_LINE = b"X-Pad: " + b"a" * 1015 + b"\r\n"


def read_request(sock):
    """The request head (up to the blank line), or None when the client left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    return data


def path_of(head):
    try:
        return head.split(b" ", 2)[1].decode("ascii", "replace").split("?")[0]
    except IndexError:
        return "/"


def wait_for_close(sock):
    """Hold the connection until the client closes it."""
    while sock.recv(4096):
        pass


def answer(sock, path):
    """Answer one request; False when the connection must end."""
    if path == "/reset":
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf")
        time.sleep(0.05)                    # read by the client before the reset
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()                        # now: socketserver would shut down (FIN) first
        return False
    if path == "/close_headers":
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000"
                     b"\r\n\r\nonly a part")
        return False
    if path == "/garbage":
        sock.sendall(b"garbage\r\n\r\n")
        return False
    if path == "/endless_chunked":
        sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (8192, b"z" * 8192)
        while True:
            sock.sendall(chunk)
    if path == "/huge_body":
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                     % len(HUGE_BODY))
        sock.sendall(HUGE_BODY)
        return True
    if path == "/huge_headers":
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + PAD_LINE * 400 + b"\r\n")
        return False
    if path == "/stall":
        wait_for_close(sock)
        return False
    if path == "/drip":
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            time.sleep(0.05)
            sock.sendall(b"d")
        return True
    if path == "/redirect_loop":
        sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: /redirect_loop\r\nContent-Length: 0\r\n\r\n")
        return True
    if path == "/storm":
        body = b'{"detail": "overloaded"}'
        sock.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return True
    sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    return True


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        try:
            while True:
                head = read_request(sock)
                if head is None or not answer(sock, path_of(head)):
                    return
        except OSError:
            return                          # the client left (reset, broken pipe)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=120.0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    print("port %d" % server.server_address[1], flush=True)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
