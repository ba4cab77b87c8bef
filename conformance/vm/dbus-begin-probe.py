#!/usr/bin/env python3
"""dbus-begin-probe.py MODE [TIMEOUT] — one Peer.Ping to systemd over /run/systemd/private, sending
the SASL "BEGIN" either with the AUTH line (MODE=with-auth: what libsystemd and oci-runtime do) or
after the server's OK in the same write as the first call (MODE=with-call: what oci-runtime did
before; under load the two writes could reach systemd in one read the same way).

systemd 252's sd-bus server consumes BEGIN, keeps the bytes after it in its read buffer and waits
for the socket to become readable again; nothing more arrives, so the call is never answered.
Prints "reply in N ms" (exit 0) or "no reply within N s" (exit 1). Used by systemd-suite.sh.
"""
import os
import socket
import struct
import sys
import time

mode = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0


def ping(serial):
    buf = bytearray(b"l\x01\x00\x01") + struct.pack("<III", 0, serial, 0)
    for code, sig, val in ((1, b"o", b"/org/freedesktop/systemd1"), (2, b"s", b"org.freedesktop.DBus.Peer"),
                           (3, b"s", b"Ping"), (6, b"s", b"org.freedesktop.systemd1")):
        buf += b"\0" * (-len(buf) % 8)
        buf += bytes([code, 1]) + sig + b"\0"
        buf += b"\0" * (-len(buf) % 4)
        buf += struct.pack("<I", len(val)) + val + b"\0"
    struct.pack_into("<I", buf, 12, len(buf) - 16)
    buf += b"\0" * (-len(buf) % 8)
    return bytes(buf)


def read_exactly(s, n, deadline):
    out = b""
    while len(out) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        s.settimeout(left)
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/private")
auth = b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n"
s.sendall(auth + (b"BEGIN\r\n" if mode == "with-auth" else b""))
line = b""
deadline = time.monotonic() + 30
while not line.endswith(b"\r\n"):
    line += read_exactly(s, 1, deadline)
if not line.startswith(b"OK "):
    sys.exit(f"authentication refused: {line!r}")
t0 = time.monotonic()
s.sendall((b"BEGIN\r\n" if mode == "with-call" else b"") + ping(1))
deadline = t0 + timeout
try:
    while True:
        fixed = read_exactly(s, 16, deadline)
        body_len, _, fields_len = struct.unpack_from("<III", fixed, 4)
        rest = read_exactly(s, (fields_len + 7) // 8 * 8 + body_len, deadline)
        header, i, reply_to = fixed + rest, 16, 0
        while i < 16 + fields_len:  # a(yv): find REPLY_SERIAL (5, 'u')
            i += -i % 8
            code, siglen = header[i], header[i + 1]
            sig = header[i + 2:i + 2 + siglen]
            i += 3 + siglen
            if sig in (b"u", b"s", b"o"):
                i += -i % 4
                v = struct.unpack_from("<I", header, i)[0]
                if code == 5:
                    reply_to = v
                i += 4 if sig == b"u" else 4 + v + 1
            elif sig == b"g":
                i += header[i] + 2
            else:
                sys.exit(f"unexpected header field type {sig!r}")
        if fixed[1] in (2, 3) and reply_to == 1:
            print(f"reply in {(time.monotonic() - t0) * 1000:.0f} ms")
            sys.exit(0)
except TimeoutError:
    print(f"no reply within {timeout:g} s")
    sys.exit(1)
