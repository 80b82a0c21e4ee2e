# tools/tcp_client.py PORT r|s BYTES: the host's side of user/net/tcpd.c
# (bench/net.sh, tests/net.sh): 'r' sends BYTES to the guest and reads
# its count back, 's' asks the guest for BYTES and reads them; prints
# MB/s (10^6 bytes a second, from connect to the last byte), or "bad"
# when the count differs.
import socket
import sys
import time

port, mode, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
t0 = time.monotonic()
s = socket.create_connection(("127.0.0.1", port), timeout=300)
if mode == "r":
    s.sendall(b"r")
    chunk = bytes(65536)
    left = size
    while left:
        n = min(left, len(chunk))
        s.sendall(chunk[:n])
        left -= n
    s.shutdown(socket.SHUT_WR)
    answer = b""
    while d := s.recv(100):
        answer += d
    ok = answer.strip() == str(size).encode()
else:
    s.sendall(b"s" + size.to_bytes(4, "little"))
    got = 0
    while d := s.recv(1 << 16):
        got += len(d)
    ok = got == size
t = time.monotonic() - t0
print("%.3f" % (size / t / 1e6) if ok else "bad", flush=True)
