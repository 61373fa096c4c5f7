"""Staff login: hashes, users file, throttling per (user, address) and per address, token expiry, uploads per
session, the hash-password CLI."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import sys
import threading

import pytest

from finchat.settings import load_settings
from finchat.staff import LoginRefused, StaffAuth, check_password, hash_password, load_users
from tests.conftest import ROOT


class Clock:
    """A settable clock, so expiry and rate-limit windows are tested without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_auth(tmp_path, clock, **web):
    settings = load_settings(data_dir=tmp_path / "data", web={"staff_password": "correct horse", "login_delay_s": 0, **web})
    return StaffAuth.from_settings(settings, clock=clock)


def test_off_without_password_or_users_file(settings):
    auth = StaffAuth.from_settings(settings)
    assert not auth.enabled
    with pytest.raises(LoginRefused, match="off"):
        auth.login("staff", "", "1.2.3.4")
    assert auth.user(None) is None and auth.user("") is None


def test_single_account_login_user_logout(tmp_path):
    auth = make_auth(tmp_path, Clock())
    assert auth.enabled
    token = auth.login("staff", "correct horse", "1.2.3.4")
    assert len(token) >= 40 and auth.user(token) == "staff"
    assert auth.user(token + "x") is None
    for name, password in [("staff", "wrong"), ("admin", "correct horse"), ("staff", "")]:
        with pytest.raises(LoginRefused, match="Wrong username or password"):
            auth.login(name, password, "1.2.3.4")
    auth.logout(token)
    assert auth.user(token) is None
    assert auth.login("staff", "correct horse", "1.2.3.4") != token  # a fresh token each time


def test_token_expires_after_session_hours(tmp_path):
    clock = Clock()
    auth = make_auth(tmp_path, clock, session_hours=1.0)
    token = auth.login("staff", "correct horse", "c")
    clock.now += 3599
    assert auth.user(token) == "staff"
    clock.now += 1
    assert auth.user(token) is None
    clock.now -= 10  # once expired, gone for good
    assert auth.user(token) is None


def test_failures_are_throttled_per_user_and_address_with_growing_delays(tmp_path):
    clock = Clock()
    auth = make_auth(tmp_path, clock, login_attempts=4, login_window_s=3600, login_delay_s=1.0)
    waits = []
    for _ in range(3):
        with pytest.raises(LoginRefused, match="Wrong") as wrong:
            auth.login("staff", "guess", "10.0.0.1")
        assert not wrong.value.throttled
        with pytest.raises(LoginRefused, match=r"Too many failed logins; retry in (\d+) s") as throttled:
            auth.login("staff", "guess", "10.0.0.1")  # straight away: refused unchecked
        assert throttled.value.throttled
        waits.append(int(str(throttled.value).split("retry in ")[1].split()[0]))
        clock.now += waits[-1]
    assert waits == [1, 2, 4]  # each failure doubles the wait
    with pytest.raises(LoginRefused, match="Wrong"):
        auth.login("staff", "guess", "10.0.0.1")  # the 4th guess of this pair this hour
    clock.now += 600
    with pytest.raises(LoginRefused, match=r"retry in \d+ s"):  # no more guesses until the hour has passed
        auth.login("staff", "correct horse", "10.0.0.1")
    clock.now += 3000
    assert auth.user(auth.login("staff", "correct horse", "10.0.0.1")) == "staff"


def test_guesses_from_other_addresses_never_lock_the_real_user_out(tmp_path):
    clock = Clock()
    auth = make_auth(tmp_path, clock, login_attempts=3, login_window_s=3600, login_delay_s=1.0)
    for i in range(200):  # a distributed guesser, a handful of guesses per address
        for _ in range(3):
            with pytest.raises(LoginRefused):
                auth.login("staff", "guess", f"10.0.{i // 250}.{i % 250}")
            clock.now += 0.01
    token = auth.login("staff", "correct horse", "192.168.7.7")  # the real user, at once, from their own address
    assert auth.user(token) == "staff"


def test_one_address_spraying_user_names_is_limited_and_others_are_not(tmp_path):
    clock = Clock()
    auth = make_auth(tmp_path, clock, login_attempts=3, login_address_attempts=5, login_delay_s=0)
    for name in ("a", "b", "c", "d", "e"):
        with pytest.raises(LoginRefused, match="Wrong"):
            auth.login(name, "guess", "10.0.0.1")
    with pytest.raises(LoginRefused, match="Too many") as err:
        auth.login("f", "guess", "10.0.0.1")
    assert err.value.throttled
    assert auth.user(auth.login("staff", "correct horse", "10.0.0.2")) == "staff"


def test_parallel_guesses_cannot_exceed_the_limit(tmp_path):
    auth = make_auth(tmp_path, Clock(), login_attempts=3, login_window_s=60, login_delay_s=0)
    outcomes: list[str] = []

    def guess(i: int) -> None:
        try:
            auth.login("staff", f"guess{i}", "10.0.0.1")
        except LoginRefused as e:
            outcomes.append("limited" if "Too many" in str(e) else "wrong")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["limited"] * 9 + ["wrong"] * 3


def test_hashes_are_salted_and_checked(tmp_path):
    one, two = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    assert one != two and one.startswith("scrypt$") and "s3cret" not in one
    assert check_password("s3cret-pass", one) and check_password("s3cret-pass", two)
    assert not check_password("s3cret-pasS", one) and not check_password("", one)
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", b"pw12345678", salt, 1000)
    pbkdf2 = f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert check_password("pw12345678", pbkdf2) and not check_password("pw1234567", pbkdf2)
    for broken in ("", "plain-text", "scrypt$1$2", "md5$abc$def", "scrypt$16384$8$1$!!$!!"):
        assert not check_password("anything", broken)


def test_compare_is_constant_time(monkeypatch):
    """The digest comparison goes through hmac.compare_digest (a timing measurement would be flaky on 2 cores)."""
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    stored = hash_password("some-password")
    assert check_password("some-password", stored) and not check_password("other-password", stored)
    assert len(calls) == 2 and all(isinstance(a, bytes) and len(a) == 64 for a, _ in calls)


def test_users_file_toml_and_json(tmp_path):
    users = tmp_path / "users.toml"
    users.write_text(f'[users]\nalice = "{hash_password("alice-pass-1")}"\n'
                     f'"bob smith" = "{hash_password("bob-pass-22")}"\n')
    settings = load_settings(data_dir=tmp_path / "data", web={"staff_users_file": users, "staff_password": "ignored!"})
    auth = StaffAuth.from_settings(settings, clock=Clock())
    assert auth.user(auth.login("alice", "alice-pass-1", "c")) == "alice"
    assert auth.user(auth.login("bob smith", "bob-pass-22", "c")) == "bob smith"
    with pytest.raises(LoginRefused):
        auth.login("staff", "ignored!", "c")  # a users file replaces the single account
    as_json = tmp_path / "users.json"
    as_json.write_text('{"users": {"carol": "%s"}}' % hash_password("carol-pass-3"))
    assert set(load_users(as_json)) == {"carol"}


@pytest.mark.parametrize("text, problem", [
    ("[people]\nalice = 'x'\n", "no \\[users\\] table"),
    ("[users]\nalice = 'plaintext-password'\n", "alice.*hash"),
])
def test_users_file_refuses_bad_entries(tmp_path, text, problem):
    path = tmp_path / "users.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=problem):
        load_users(path)


def test_hash_password_cli_prints_a_working_users_file_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "finchat", "staff", "hash-password", "--user", "dana"],
                         input="dana-pass-44\ndana-pass-44\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "dana-pass-44" not in run.stdout  # only the hash is printed
    line = run.stdout.strip().splitlines()[-1]
    assert line.startswith('dana = "scrypt$')
    users = tmp_path / "users.toml"
    users.write_text("[users]\n" + line + "\n")
    assert check_password("dana-pass-44", load_users(users)["dana"])

    mismatch = subprocess.run([sys.executable, "-m", "finchat", "staff", "hash-password"],
                              input="first-pass-1\nsecond-pass-2\nfirst-pass-1\nfirst-pass-1\n",
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert mismatch.returncode == 0 and "do not match" in mismatch.stderr  # asked again, then accepted

    short = subprocess.run([sys.executable, "-m", "finchat", "staff", "hash-password"], input="short\nshort\n",
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert short.returncode == 1 and "at least 8" in short.stderr and "scrypt" not in short.stdout


def test_a_session_may_ingest_only_the_files_it_uploaded(tmp_path):
    auth = make_auth(tmp_path, Clock())
    alice, bob = auth.login("staff", "correct horse", "a"), auth.login("staff", "correct horse", "b")
    auth.remember_uploads(alice, ["/cache/1/fees.pdf"])
    auth.remember_uploads("forged-token", ["/cache/2/x.md"])
    assert auth.uploaded(alice, "/cache/1/fees.pdf")
    assert not auth.uploaded(bob, "/cache/1/fees.pdf") and not auth.uploaded(None, "/cache/1/fees.pdf")
    assert not auth.uploaded("forged-token", "/cache/2/x.md")
    auth.logout(alice)
    assert not auth.uploaded(alice, "/cache/1/fees.pdf")
