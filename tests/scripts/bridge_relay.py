"""A relay for the bridge scenarios: forwards every connection made to
LISTEN (tcp:PORT or unix:PATH) to TARGET (the same forms), both ways, until
it is killed. Killing it cuts every connection through it at once, as a
dropped link does; started again, it serves new ones. Once listening, it
writes its PID to PIDFILE (python3 may be a wrapper's child)."""
import os
import socket
import sys
import threading


def address(spec):
    kind, _, where = spec.partition(":")
    if kind == "tcp":
        return socket.AF_INET, ("127.0.0.1", int(where))
    return socket.AF_UNIX, where


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for sock in (src, dst):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main(listen, target, pidfile):
    family, where = address(listen)
    server = socket.socket(family, socket.SOCK_STREAM)
    if family == socket.AF_INET:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    elif os.path.exists(where):
        os.unlink(where)
    server.bind(where)
    server.listen(16)
    with open(pidfile + ".new", "w") as out:
        out.write("%d\n" % os.getpid())
    os.rename(pidfile + ".new", pidfile)
    while True:
        client, _ = server.accept()
        family, there = address(target)
        upstream = socket.socket(family, socket.SOCK_STREAM)
        try:
            upstream.connect(there)
        except OSError:
            client.close()
            continue
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


main(sys.argv[1], sys.argv[2], sys.argv[3])
