#!/usr/bin/env python3
"""smtp_sink.py - a minimal SMTP server on loopback for tests.

Usage: smtp_sink.py DIR
Listens on 127.0.0.1 (a free port, written to DIR/port), serves sessions
one after the other until killed.  Each message goes to DIR/N.eml (dot
stuffing undone) and its envelope to DIR/N.env ("MAIL FROM:<..>" and
"RCPT TO:<..>" lines as received, plus "AUTH user password" when the
client authenticated with AUTH PLAIN).  RCPT of an address starting with
"temp" is answered 451, with "perm" 550.  No STARTTLS is offered.
"""
import base64
import os
import socket
import sys

d = sys.argv[1]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(5)
with open(os.path.join(d, "port.tmp"), "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
count = 0


def session(conn):
    global count
    rf = conn.makefile("rb")

    def send(line):
        conn.sendall(line.encode() + b"\r\n")

    send("220 sink ESMTP")
    env = []
    rcpts = 0
    while True:
        line = rf.readline()
        if not line:
            return
        cmd = line.decode("ascii", "replace").rstrip("\r\n")
        up = cmd.upper()
        if up.startswith("EHLO"):
            send("250-sink")
            send("250-AUTH PLAIN")
            send("250 8BITMIME")
        elif up.startswith("HELO"):
            send("250 sink")
        elif up.startswith("AUTH PLAIN"):
            parts = cmd.split(" ")
            if len(parts) < 3:
                send("334 ")
                parts.append(rf.readline().decode().strip())
            creds = base64.b64decode(parts[2]).split(b"\0")
            env.append("AUTH %s %s" % (creds[1].decode(), creds[2].decode()))
            send("235 ok")
        elif up.startswith("MAIL FROM:"):
            env = [e for e in env if e.startswith("AUTH")] + [cmd]
            rcpts = 0
            send("250 ok")
        elif up.startswith("RCPT TO:"):
            addr = cmd[8:].strip().lstrip("<")
            if addr.startswith("temp"):
                send("451 try later")
            elif addr.startswith("perm"):
                send("550 no such user")
            else:
                env.append(cmd)
                rcpts += 1
                send("250 ok")
        elif up == "DATA":
            if rcpts == 0:
                send("554 no valid recipients")
                continue
            send("354 go on")
            data = b""
            while True:
                l = rf.readline()
                if l in (b".\r\n", b""):
                    break
                if l.startswith(b"."):
                    l = l[1:]
                data += l
            count += 1
            with open(os.path.join(d, "%d.eml" % count), "wb") as f:
                f.write(data)
            with open(os.path.join(d, "%d.env" % count), "w") as f:
                f.write("\n".join(env) + "\n")
            send("250 queued")
        elif up == "QUIT":
            send("221 bye")
            return
        elif up in ("RSET", "NOOP"):
            send("250 ok")
        else:
            send("502 not implemented")


while True:
    c, _ = srv.accept()
    try:
        session(c)
    finally:
        c.close()
