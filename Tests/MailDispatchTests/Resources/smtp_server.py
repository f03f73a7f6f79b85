#!/usr/bin/env python3
"""A loopback SMTP server for the MailDispatch tests.
Usage: smtp_server.py MODE OUTDIR   with MODE one of
  accept  - aiosmtpd; each message is parsed and written to OUTDIR/N.json
  refuse  - aiosmtpd answering RCPT with 550 (permanent)
  later   - aiosmtpd answering RCPT with 451 (temporary)
  drop    - a plain socket that greets then closes the connection mid-dialogue
Misbehaving servers (plain sockets speaking just enough SMTP; each message
whose data arrived is written to OUTDIR/N.json with its Message-ID):
  stall-after-data  - takes the message's data, then never answers it
  stall-on-quit     - accepts the message (250), then never answers QUIT
  silent            - accepts the connection and never says a word
  later-then-accept - answers the first RCPT with 451, every later one with 250
Prints `PORT n` on its first line once it listens, then runs until killed
or until its standard input closes."""
import base64
import email
import email.header
import email.policy
import json
import os
import socket
import sys
import threading


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Handler:
    def __init__(self, mode, outdir):
        self.mode, self.outdir, self.count = mode, outdir, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "550 5.1.1 mailbox unavailable"
        if self.mode == "later":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        raw_subject = email.message_from_bytes(envelope.original_content or envelope.content)["Subject"]
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(email.header.make_header(email.header.decode_header(raw_subject))),
            "to": msg["To"],
            "message_id": msg["Message-ID"],
            "body": body.get_content() if body else None,
            "attachments": [
                {"filename": part.get_filename(), "content_type": part.get_content_type(),
                 "base64": base64.b64encode(part.get_payload(decode=True)).decode()}
                for part in msg.iter_attachments()
            ],
        }
        with open(os.path.join(self.outdir, f"{self.count}.json"), "w") as f:
            json.dump(record, f, ensure_ascii=False)
        return "250 2.0.0 Message accepted for delivery"


def drop_server(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(5)

    def serve():
        while True:
            conn, _ = srv.accept()
            conn.sendall(b"220 localhost ESMTP\r\n")
            conn.recv(1024)
            conn.close()
    threading.Thread(target=serve, daemon=True).start()


def wait_until_closed(conn):
    """Stalls: reads and ignores whatever comes until the client gives up."""
    try:
        while conn.recv(4096):
            pass
    except OSError:
        pass
    conn.close()


def scripted_server(port, mode, outdir):
    state = {"rcpts": 0, "messages": 0}
    lock = threading.Lock()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)

    def session(conn):
        if mode == "silent":
            wait_until_closed(conn)
            return
        f = conn.makefile("rb")

        def say(line):
            conn.sendall(line.encode() + b"\r\n")
        say("220 localhost ESMTP")
        while True:
            line = f.readline()
            if not line:
                conn.close()
                return
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
                say("250 localhost")
            elif cmd.startswith(b"MAIL"):
                say("250 OK")
            elif cmd.startswith(b"RCPT"):
                with lock:
                    state["rcpts"] += 1
                    first = state["rcpts"] == 1
                say("451 4.3.0 try again later" if mode == "later-then-accept" and first else "250 OK")
            elif cmd == b"DATA":
                say("354 end with <CRLF>.<CRLF>")
                data = b""
                while True:
                    chunk = f.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    data += chunk
                with lock:
                    state["messages"] += 1
                    n = state["messages"]
                msg = email.message_from_bytes(data)
                with open(os.path.join(outdir, f"{n}.json"), "w") as out:
                    json.dump({"message_id": msg["Message-ID"], "subject": msg["Subject"], "mode": mode}, out)
                if mode == "stall-after-data":
                    wait_until_closed(conn)
                    return
                say("250 2.0.0 Message accepted for delivery")
            elif cmd == b"QUIT":
                if mode == "stall-on-quit":
                    wait_until_closed(conn)
                    return
                say("221 bye")
                conn.close()
                return
            else:
                say("250 OK" if cmd in (b"RSET", b"NOOP") else "502 5.5.2 not implemented")

    def serve():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=session, args=(conn,), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()


def main():
    mode, outdir = sys.argv[1], sys.argv[2]
    port = free_port()
    if mode == "drop":
        drop_server(port)
    elif mode in ("stall-after-data", "stall-on-quit", "silent", "later-then-accept"):
        scripted_server(port, mode, outdir)
    else:
        from aiosmtpd.controller import Controller
        controller = Controller(Handler(mode, outdir), hostname="127.0.0.1", port=port)
        controller.start()
    print(f"PORT {port}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
