"""Load on the web app: N simulated customers at once through `gradio_client`, against one customer alone.

    python bench/load.py                          # starts app.py on a free localhost port; 10 customers
    python bench/load.py --users 20 --questions 2 --seconds 600
    python bench/load.py --url http://127.0.0.1:7860    # an app already running (localhost only)

Each customer is a thread with its own `Client`, asking sample questions (samples/questions.jsonl) one after
another through the streaming `/chat` endpoint. One customer runs alone first, then all N at once, in the same
run against the same server; both are printed side by side. Time to first token (TTFT) is the time from
submitting a question to the first streamed piece of answer text, queue wait included: that wait is what a
customer sees. Target (issue 5): 10 customers, 0 errors, p95 TTFT concurrent <= 4x the single-customer p95.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "samples" / "questions.jsonl"
MAX_USERS = 50
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
START_TIMEOUT_S = 300.0  # app start-up: model loading, sample ingestion on an empty store
POLL_S = 0.01  # how often a job's streamed outputs are looked at; the TTFT resolution
TARGET_RATIO = 4.0


@dataclass
class Result:
    ok: bool
    ttft_s: float = math.nan
    total_s: float = math.nan
    error: str = ""


def load_questions() -> list[str]:
    return [json.loads(line)["q"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_state(output) -> dict:
    """The `answer` dict of one streamed `/chat` output: {"text", "done", ...} (see finchat/web/ui.py)."""
    if isinstance(output, (tuple, list)):
        return next((o for o in output if isinstance(o, dict) and "done" in o), {})
    return {}


def ask(client, question: str, deadline: float) -> Result:
    """Submit one question, watch its stream; TTFT at the first output carrying answer text."""
    start = time.perf_counter()
    job = client.submit(question, api_name="/chat")
    ttft = math.nan
    try:
        while not job.done():
            if math.isnan(ttft) and any(answer_state(o).get("text") for o in job.outputs()[-1:]):
                ttft = time.perf_counter() - start
            if time.monotonic() > deadline:
                job.cancel()
                return Result(False, ttft, error="time limit reached")
            time.sleep(POLL_S)
        final = job.result()
    except Exception as err:  # noqa: BLE001 - a failed answer is a measured outcome, not a crash
        return Result(False, ttft, time.perf_counter() - start, error=f"{type(err).__name__}: {err}"[:200])
    total = time.perf_counter() - start
    state = answer_state(final)
    if not (state.get("done") and state.get("text")):
        return Result(False, ttft, total, error=f"no final answer: {str(final)[:150]}")
    return Result(True, total if math.isnan(ttft) else ttft, total)


def customer(url: str, questions: list[str], deadline: float, start: threading.Barrier, out: list[Result]) -> None:
    """One simulated customer: connect, wait for the others, then ask one question after another."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    except Exception as err:  # noqa: BLE001
        start.abort()
        out.extend(Result(False, error=f"connect: {type(err).__name__}: {err}"[:200]) for _ in questions)
        return
    try:
        start.wait()
    except threading.BrokenBarrierError:
        out.extend(Result(False, error="another customer could not connect") for _ in questions)
        return
    for q in questions:
        if time.monotonic() > deadline:
            out.append(Result(False, error="time limit reached before asking"))
            continue
        out.append(ask(client, q, deadline))


@dataclass
class Phase:
    users: int
    results: list[Result]
    wall_s: float

    def row(self) -> dict[str, str]:
        done = [r for r in self.results if r.ok]
        ttft = [r.ttft_s for r in done]
        total = [r.total_s for r in done]
        return {
            "customers": str(self.users),
            "answers completed": f"{len(done)}/{len(self.results)}",
            "errors": str(len(self.results) - len(done)),
            "TTFT p50 (s)": f"{percentile(ttft, 50):.2f}",
            "TTFT p95 (s)": f"{percentile(ttft, 95):.2f}",
            "total p50 (s)": f"{percentile(total, 50):.2f}",
            "total p95 (s)": f"{percentile(total, 95):.2f}",
            "throughput (answers/s)": f"{len(done) / self.wall_s:.3f}",
            "wall time (s)": f"{self.wall_s:.1f}",
        }


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (as numpy's default); nan for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def run_phase(url: str, users: int, per_user: int, questions: list[str], deadline: float) -> Phase:
    """`users` customers at once, customer i asking `per_user` questions starting at question i * per_user."""
    outs: list[list[Result]] = [[] for _ in range(users)]
    started: list[float] = []
    start = threading.Barrier(users, action=lambda: started.append(time.perf_counter()))
    threads = []
    for i in range(users):
        mine = [questions[(i * per_user + k) % len(questions)] for k in range(per_user)]
        threads.append(threading.Thread(target=customer, args=(url, mine, deadline, start, outs[i]), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started[0] if started else math.nan
    return Phase(users, [r for o in outs for r in o], wall)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def started_app(log_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """The real app (`python app.py`) on a free localhost port with a fresh data dir; yields its URL."""
    port = free_port()
    env = {**os.environ, **(extra_env or {}), "FINCHAT_DATA_DIR": str(log_dir / "data"), "FINCHAT_PORT": str(port),
           "FINCHAT_HOST": "127.0.0.1", "FINCHAT_CONFIG": str(log_dir / "no-finchat.toml"),
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TRANSFORMERS_VERBOSITY": "error", "TQDM_DISABLE": "1"}
    url = f"http://127.0.0.1:{port}/"
    log_path = log_dir / "app.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(url + "config", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the app did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def settings_line() -> str:
    from finchat.settings import load_settings

    web = load_settings().web
    return f"concurrency_limit={web.concurrency_limit}, max_queue={web.max_queue}"


def print_table(single: Phase, many: Phase) -> float:
    a, b = single.row(), many.row()
    width = max(map(len, a))
    print(f"\n{'':{width}}  {'one customer':>14}  {'concurrent':>14}")
    for key in a:
        print(f"{key:{width}}  {a[key]:>14}  {b[key]:>14}")
    ratio = (percentile([r.ttft_s for r in many.results if r.ok], 95)
             / percentile([r.ttft_s for r in single.results if r.ok], 95))
    print(f"{'p95 TTFT ratio':{width}}  {'':>14}  {ratio:>14.2f}")
    errors = [r.error for r in single.results + many.results if not r.ok]
    for e in sorted(set(errors)):
        print(f"  error x{errors.count(e)}: {e}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if not 1 <= args.users <= MAX_USERS:
        raise SystemExit(f"--users must be between 1 and {MAX_USERS}")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in LOCAL_HOSTS:
        raise SystemExit("--url must point at this machine (127.0.0.1, localhost or ::1)")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    questions = load_questions()
    with contextlib.ExitStack() as stack:
        if args.url:
            url = args.url.rstrip("/") + "/"
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="finchat-load-")))
            t0 = time.perf_counter()
            url = stack.enter_context(started_app(tmp))
            print(f"app started at {url} in {time.perf_counter() - t0:.1f} s")
        deadline = time.monotonic() + args.seconds
        warm = run_phase(url, 1, 1, questions[-1:], deadline)  # first answer pays one-off costs; not counted
        print(f"warm-up answer: {'ok' if warm.results[0].ok else warm.results[0].error} in {warm.wall_s:.1f} s")
        single = run_phase(url, 1, args.questions, questions, deadline)
        print(f"one customer: {args.questions} questions in {single.wall_s:.1f} s")
        many = run_phase(url, args.users, args.questions, questions, deadline)
        print(f"{args.users} customers: {args.users * args.questions} questions in {many.wall_s:.1f} s")
    if not args.url:
        print(f"server settings: {settings_line()} (defaults; FINCHAT_* variables of this shell apply)")
    ratio = print_table(single, many)
    errors = sum(not r.ok for r in single.results + many.results)
    met = errors == 0 and ratio <= TARGET_RATIO
    print(f"\ntarget (0 errors, p95 TTFT ratio <= {TARGET_RATIO:g}): {'MET' if met else 'NOT MET'}")
    return 0 if met else 1


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=10, help=f"concurrent customers (1-{MAX_USERS})")
    p.add_argument("--questions", type=int, default=3, help="questions each customer asks, one after another")
    p.add_argument("--seconds", type=float, default=900, help="time limit for the whole measurement")
    p.add_argument("--url", help="an app already running on this machine; default: start app.py")
    return p


if __name__ == "__main__":
    sys.exit(main())
