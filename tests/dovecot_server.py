"""A real Dovecot IMAP server on loopback for the privacy-mailbox tests, with a throw-away configuration.

Runs ``dovecot -F`` (foreground, not a daemon) with its own base directory, a
passwd-file with one user and a maildir in the test's folder; no TLS (the client
allows a password over plain IMAP on loopback only). Messages arrive by IMAP
APPEND, which sets the server's INTERNALDATE, as delivery would.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tests.smtp_server import free_port

USER, PASSWORD = "privacy@megasecurity.eu", "mailbox password"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)


class Dovecot:
    def __init__(self, folder: Path, oauth=None):
        """``oauth``: a LoopbackMicrosoft; XOAUTH2 logins are then checked against its Graph ``/me`` (Dovecot's
        oauth2 passdb, introspection_mode = auth, as Dovecot documents for the Microsoft identity platform)."""
        self.folder, self.oauth = folder, oauth
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self._cleanup: list[Path] = []

    def _accounts(self) -> tuple[str, str, str, int, int, Path]:
        """(internal user, its group, login user, mail uid, mail gid, mail folder).

        Dovecot refuses to run its login and mail processes as root: under root (CI) they run as the
        package's own users, with the maildir in a folder of their own (the test's folder is root's only).
        """
        if os.getuid() != 0:
            me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
            (self.folder / "mail").mkdir(parents=True, exist_ok=True)
            return me, group, me, os.getuid(), os.getgid(), self.folder / "mail"
        internal = pwd.getpwnam("dovecot")
        mail_root = Path(tempfile.mkdtemp(prefix="megacase-dovecot-"))
        os.chown(mail_root, internal.pw_uid, internal.pw_gid)
        self._cleanup.append(mail_root)
        return ("dovecot", grp.getgrgid(internal.pw_gid).gr_name, "dovenull", internal.pw_uid, internal.pw_gid,
                mail_root)

    def _config(self) -> Path:
        f = self.folder
        for sub in ("run", "state"):
            (f / sub).mkdir(parents=True, exist_ok=True)
        me, group, login, uid, gid, mail_root = self._accounts()
        self.mail_root = mail_root
        passwd = mail_root / "passwd"    # read by the auth process (not root under root)
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        if os.getuid() == 0:
            os.chown(passwd, uid, gid)
        conf = f / "dovecot.conf"
        oauth_passdb, mechanisms = "", "plain login"
        if self.oauth is not None:
            ca = self.oauth.cafile(mail_root)
            oauth_conf = mail_root / "oauth2.conf.ext"
            oauth_conf.write_text(f"introspection_mode = auth\nintrospection_url = {self.oauth.base}/v1.0/me\n"
                                  f"username_attribute = mail\ntls_ca_cert_file = {ca}\n")
            if os.getuid() == 0:
                for path in (ca, oauth_conf):
                    os.chown(path, uid, gid)
            oauth_passdb = f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2\n  args = {oauth_conf}\n}}\n"
            mechanisms = "plain login xoauth2"
        conf.write_text(f"""
base_dir = {f}/run
state_dir = {f}/state
log_path = {f}/dovecot.log
info_log_path = {f}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
{oauth_passdb}mail_location = maildir:{mail_root}/%n
default_internal_user = {me}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail_root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
        return conf

    def start(self) -> "Dovecot":
        conf = self._config()
        self.proc = subprocess.Popen([dovecot_binary(), "-F", "-c", str(conf)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                imaplib.IMAP4("127.0.0.1", self.port, timeout=2).logout()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    out = self.proc.stdout.read().decode(errors="replace")
                    log = (self.folder / "dovecot.log")
                    raise RuntimeError(f"dovecot stopped: {out} {log.read_text() if log.exists() else ''}")
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None
        for folder in self._cleanup:
            shutil.rmtree(folder, ignore_errors=True)

    def append(self, raw: bytes, when: datetime, folder: str = "INBOX") -> None:
        """Deliver one message with the server receipt time ``when`` (aware)."""
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            conn.login(USER, PASSWORD)
            typ, data = conn.append(folder, None, imaplib.Time2Internaldate(when), raw)
            assert typ == "OK", data
        finally:
            conn.logout()


