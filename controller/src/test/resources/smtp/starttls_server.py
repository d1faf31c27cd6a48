"""A real SMTP server for the email hook's test: aiosmtpd (Debian's python3-aiosmtpd) requiring
STARTTLS before MAIL and AUTH over TLS; each message it takes is written to OUTDIR.
Usage: starttls_server.py HOST PORT CERT KEY OUTDIR USER PASSWORD"""
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, cert, key, outdir, user, password = sys.argv[1:8]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(outdir, "%d.eml" % len(os.listdir(outdir)))
        with open(name, "wb") as f:
            f.write(envelope.content)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
        and auth_data.password == password.encode()
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname=host, port=int(port), tls_context=context, require_starttls=True,
                        authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
print("ready", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
controller.stop()
