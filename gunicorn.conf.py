"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (README, "Production").

Threads, not one sync worker: a slow upload occupies one thread, not a whole process. Put a reverse proxy
that buffers request bodies (nginx `proxy_request_buffering on`) in front, so trickling clients never hold
a thread at all.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

# /metrics adds up every worker's counts from files in this folder, emptied at each start. Set before
# prometheus_client is imported: it chooses file-backed values at import, and the workers fork from here.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kuchikomi-metrics-")

from gunicorn.glogging import Logger  # noqa: E402
from prometheus_client import multiprocess  # noqa: E402

wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Above the S3 retry budget (attempts x (connect + read + 1) s = 18 s with the defaults): a customer whose
# upload meets a storage outage gets "please try again", not a killed worker and a bare 500.
timeout = 60
graceful_timeout = 30
keepalive = 5
# X-Forwarded-* headers are believed by the app's ProxyFix only (KUCHIKOMI_PROXY_FIX_X_*), never by
# gunicorn itself: one place decides how many proxies to trust.
secure_scheme_headers: dict = {}
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"
# gunicorn's own line, plus the request id the app echoes in X-Request-ID: an access line and the app's JSON
# log lines of the same request share it.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s request_id=%({x-request-id}o)s'
)


def _standalone(name: str):
    """`campaign/<name>.py` loaded on its own, from wherever the package is installed, without importing
    the app package: the master must not (its metrics would open files in the multiprocess folder, and
    count the master among the workers). Only modules that import nothing of the app are loaded so."""
    import importlib.util
    from pathlib import Path

    package = importlib.util.find_spec("campaign")  # found, not imported
    path = Path(next(iter(package.submodule_search_locations))) / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"kuchikomi_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Private links are capabilities, addresses personal data (`campaign/log_masks.py`): the access log keeps
# the route, never a token nor an address, in the request line, the path and the Referer (a page's own
# links send its full address).
_redact = _standalone("log_masks").redact


class AccessLogWithoutTokens(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f"):  # the request line, the path and the Referer
            atoms[name] = _redact(atoms[name])
        return atoms


logger_class = AccessLogWithoutTokens


def on_starting(server) -> None:
    _refuse_without_production_settings()
    _clear_metric_files(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))


# prometheus_client's files: <kind>_<pid>.db (counter, histogram, summary, gauge_<mode>)
METRIC_FILE = re.compile(r"(?:counter|histogram|summary|gauge_[a-z]+)_(\d+)\.db")


def _clear_metric_files(folder: Path) -> None:
    """prometheus_client wants its folder cleared at start: the metric files of processes that are gone.
    Nothing else goes: the whole folder went before, so a folder the operator named lost whatever it held
    (an operator's walk-through find), and so did the files of RQ workers that share it and still run. Any
    other `.db` file there would break /metrics (prometheus_client reads them all): it is named on stderr."""
    folder.mkdir(parents=True, exist_ok=True)
    strangers = []
    for path in sorted(folder.glob("*.db")):
        metric = METRIC_FILE.fullmatch(path.name)
        if metric is None:
            strangers.append(path.name)
        elif not _running(int(metric.group(1))):
            path.unlink(missing_ok=True)
    if strangers:
        print(
            f"Kuchikomi: PROMETHEUS_MULTIPROC_DIR ({folder}) holds files that are not metrics "
            f"({', '.join(strangers)}): /metrics fails on them; give the metrics a folder of their own",
            file=sys.stderr,
            flush=True,
        )


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def child_exit(server, worker) -> None:
    multiprocess.mark_process_dead(worker.pid)


def _refuse_without_production_settings() -> None:
    """Stops before binding a port or starting a worker, one line each, when a setting production needs is
    missing (`campaign.config.production_problems`), `.env` read first as wsgi.py reads it in the workers.
    `campaign/config.py` imports nothing of the app: it is loaded on its own (`_standalone`)."""
    from flask.cli import load_dotenv
    from flask.helpers import get_load_dotenv

    if get_load_dotenv():
        load_dotenv()
    settings = _standalone("config")
    problems = settings.production_problems(os.environ)
    if problems:
        lines = ["Kuchikomi cannot start for production (gunicorn.conf.py):", *(f"  {p}" for p in problems)]
        print("\n".join(lines), file=sys.stderr, flush=True)
        raise SystemExit(settings.APP_LOAD_ERROR)
