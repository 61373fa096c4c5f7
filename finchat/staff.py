"""Staff login for the web console: hashed passwords, expiring session tokens, failed-login throttling.

Accounts come from `settings.web`: a single account "staff" whose password is `FINCHAT_STAFF_PASSWORD`, or a users
file (`FINCHAT_STAFF_USERS_FILE`, TOML `[users] name = "<hash>"` or the same as JSON) whose hashes are made by
`finchat staff hash-password`. With neither, the console is off (`StaffAuth.enabled` is False): the safe default
for a public Space. Passwords are never logged or kept in clear; sessions live in memory, so a restart logs staff out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
import tomllib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finchat.settings import Settings

SINGLE_USER = "staff"
MIN_PASSWORD_CHARS = 8  # enforced when a hash is made for a users file
# scrypt cost: n=2**14, r=8 takes ~16 MiB and tens of milliseconds per check, as recommended for interactive logins.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 2**20
SALT_BYTES = 16
TOKEN_BYTES = 32


class LoginRefused(Exception):
    """A login was refused; the message says why and is safe to show. `throttled`: refused unchecked, by the limits."""

    def __init__(self, message: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash as `scrypt$n$r$p$salt$hash` (base64), for the users file."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=SCRYPT_MAXMEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches a `scrypt$…` or `pbkdf2_sha256$iterations$salt$hash` hash; constant-time."""
    try:
        scheme, *fields = stored.split("$")
        if scheme == "scrypt":
            n, r, p, salt, expected = fields
            digest = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                    p=int(p), maxmem=SCRYPT_MAXMEM, dklen=len(base64.b64decode(expected)))
        elif scheme == "pbkdf2_sha256":
            iterations, salt, expected = fields
            digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations),
                                         dklen=len(base64.b64decode(expected)))
        else:
            return False
        return hmac.compare_digest(digest, base64.b64decode(expected))
    except (ValueError, TypeError):  # a malformed hash never matches
        return False


def load_users(path: Path) -> dict[str, str]:
    """Username -> password hash from a TOML or JSON users file with a `users` table; refuses malformed entries."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    users = data.get("users")
    if not isinstance(users, dict) or not users:
        raise ValueError(f"{path}: no [users] table (lines like: name = \"<hash from finchat staff hash-password>\")")
    for name, stored in users.items():
        if not isinstance(stored, str) or stored.split("$", 1)[0] not in {"scrypt", "pbkdf2_sha256"}:
            raise ValueError(f"{path}: user {name!r} has no scrypt$… or pbkdf2_sha256$… hash "
                             "(make one with: finchat staff hash-password)")
    return dict(users)


@dataclass
class _Session:
    user: str
    expires: float
    uploads: set[str] = field(default_factory=set)  # resolved paths this session uploaded to the cache


class StaffAuth:
    """Checks staff credentials, hands out session tokens and throttles failed logins; thread-safe.

    Failures are counted per (user name, client address) and per client address, never per user name alone:
    a guesser anywhere else cannot lock a real user out. After the n-th failure of a pair its next try waits
    `delay_s * 2**(n-1)` seconds, and after `attempts` failures the pair waits for the window to pass, so no
    address gets more than `attempts` guesses per window against a user. Sessions are kept by the sha256 of
    their token, so the tokens themselves live only in the staff's cookies.
    """

    def __init__(self, users: dict[str, str], session_s: float, attempts: int, window_s: float,
                 address_attempts: int | None = None, delay_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._users = dict(users)
        self._session_s = session_s
        self._attempts = attempts
        self._address_attempts = address_attempts or attempts * 4
        self._window_s = window_s
        self._delay_s = delay_s
        self._clock = clock
        self._sessions: dict[str, _Session] = {}
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        # Unknown names are checked against this hash, so a reply takes as long as for a known name.
        self._decoy = hash_password(secrets.token_urlsafe(16))

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float] = time.monotonic) -> StaffAuth:
        web = settings.web
        if web.staff_users_file is not None:
            users = load_users(web.staff_users_file)
        elif web.staff_password:
            users = {SINGLE_USER: hash_password(web.staff_password)}
        else:
            users = {}
        return cls(users, web.session_hours * 3600, web.login_attempts, web.login_window_s,
                   web.login_address_attempts, web.login_delay_s, clock)

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    @property
    def session_s(self) -> float:
        return self._session_s

    def login(self, username: str, password: str, client: str) -> str:
        """A new session token, or LoginRefused for wrong credentials or a throttled (user, address)."""
        if not self.enabled:
            raise LoginRefused("The staff console is off: no staff password or users file is configured.")
        pair, address = f"pair:{username}\x00{client}", f"address:{client}"
        with self._lock:
            now = self._clock()
            self._forget_old_failures(now)
            wait = max(self._wait(pair, self._attempts, now, progressive=True),
                       self._wait(address, self._address_attempts, now))
            if wait > 0:
                raise LoginRefused(f"Too many failed logins; retry in {math.ceil(wait)} s.", throttled=True)
            # Counted as failed until proven right, so parallel guesses cannot slip past the limit.
            for key in (pair, address):
                self._failures.setdefault(key, deque()).append(now)
        stored = self._users.get(username)
        ok = check_password(password, stored if stored is not None else self._decoy) and stored is not None
        if not ok:
            raise LoginRefused("Wrong username or password.")
        with self._lock:
            failures = self._failures.get(address)
            if failures and now in failures:
                failures.remove(now)
            self._failures.pop(pair, None)  # a right password clears that pair's earlier failures
            self._drop_expired(now)
            token = secrets.token_urlsafe(TOKEN_BYTES)
            self._sessions[_key(token)] = _Session(username, now + self._session_s)
            return token

    def user(self, token: str | None) -> str | None:
        """The username for a live session token, else None."""
        session = self._session(token)
        return session.user if session else None

    def remember_uploads(self, token: str | None, paths: list[str]) -> None:
        """Record files that this session put into the upload cache; only those may be ingested by it."""
        session = self._session(token)
        if session is not None:
            with self._lock:
                session.uploads.update(paths)

    def uploaded(self, token: str | None, path: str) -> bool:
        """True when `path` (resolved) was uploaded to the cache by this live session."""
        session = self._session(token)
        return session is not None and path in session.uploads

    def logout(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(_key(token or ""), None)

    def _session(self, token: str | None) -> _Session | None:
        if not token:
            return None
        with self._lock:
            key = _key(token)
            session = self._sessions.get(key)
            if session is not None and self._clock() >= session.expires:
                del self._sessions[key]
                return None
            return session

    def _forget_old_failures(self, now: float) -> None:
        for key in list(self._failures):
            failures = self._failures[key]
            while failures and failures[0] <= now - self._window_s:
                failures.popleft()
            if not failures:
                del self._failures[key]

    def _wait(self, key: str, attempts: int, now: float, progressive: bool = False) -> float:
        """Seconds until `key` may try again (0 = now)."""
        failures = self._failures.get(key, ())
        if len(failures) >= attempts:
            return failures[-attempts] + self._window_s - now
        if progressive and failures:
            return failures[-1] + self._delay_s * 2 ** (len(failures) - 1) - now
        return 0.0

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if now >= s.expires]:
            del self._sessions[key]


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
