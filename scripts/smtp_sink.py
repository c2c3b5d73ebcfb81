"""The SMTP sink of the tests (aiosmtpd): every accepted message goes into a Maildir.

- Recipients at `rechazado.invalid` are refused with 550 5.1.1 (an unknown mailbox), those
  at `temporal.invalid` with 451 4.3.0 (try later): the error classification of the workers.
- With --user/--password the sink offers SMTP AUTH (PLAIN, LOGIN) without TLS and checks
  them; --auth-required refuses MAIL before a successful AUTH (530), as a relay that needs
  its password does.

    smtp_sink.py --port PORT --maildir DIR [--user U --password P [--auth-required]] [--ready FILE]

--port 0 picks a free port; --ready FILE receives the port once the sink listens.
"""
import argparse
import signal
import socket
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@rechazado.invalid"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.endswith("@temporal.invalid"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == user and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)
    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--auth-required", action="store_true")
    parser.add_argument("--ready")
    args = parser.parse_args()
    if args.port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            args.port = s.getsockname()[1]
    options = {}
    if args.user is not None:
        options = dict(authenticator=authenticator(args.user, args.password or ""),
                       auth_required=args.auth_required, auth_require_tls=False)
    controller = Controller(Sink(args.maildir), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write(str(args.port))
        import os
        os.rename(args.ready + ".tmp", args.ready)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
