"""Several Streamlit processes of the dashboard behind nginx, on this machine.

Why: one Streamlit process runs every viewer's script on one Python
interpreter, so it uses about one core however many the machine has. N
processes (one per core) behind nginx use N cores; they all read the same
published warehouse file (read-only, short-lived connections), so a load
shows in every process at its next rerun.

    python -m dashboard.deploy.multi --processes 2 --port 8500      # `make serve-multi`
    python -m dashboard.deploy.multi --print-config --backend 127.0.0.1:8501 --backend 127.0.0.1:8502 --listen 80

nginx runs as a foreground process with its own prefix and configuration in a
temporary folder (no system service, nothing under /etc). Every process gets
the same cookie secret, so a viewer moved to another process (its own died)
keeps a valid XSRF/sign-in cookie. See docs/deployment.md.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


class DeploymentError(RuntimeError):
    """A process or nginx did not start; the message says which and where its log is."""


def nginx_binary() -> str | None:
    """The nginx executable (Debian package `nginx`), or None when it is not installed."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_config(backends: list[str], listen: str, prefix: Path, *, workers: int | str = 1, daemon: bool = False,
                  backend_header: bool = False, access_log: str = "off") -> str:
    """nginx.conf for these backends ("host:port"); backend_header adds X-Backend (tests, benchmarks)."""
    servers = "\n".join(f"        server {b} max_fails=1 fail_timeout=10s;" for b in backends)
    extra = "            add_header X-Backend $upstream_addr always;" if backend_header else ""
    values = {"WORKERS": str(workers), "PREFIX": str(prefix), "DAEMON": "" if daemon else "daemon off;",
              "SERVERS": servers, "LISTEN": listen, "EXTRA_HEADERS": extra, "ACCESS_LOG": access_log}
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise DeploymentError(f"{what} exited with code {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise DeploymentError(f"{what} did not answer {url} within {timeout:.0f} s; see {log}")


@dataclass
class Backend:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def kill(self) -> None:
        """Kill the process at once (as a crash would), and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


@dataclass
class Deployment:
    """What `serve` started: the URL viewers open, and the processes behind it."""

    url: str
    backends: list[Backend]
    nginx: subprocess.Popen | None = None
    folder: Path | None = None
    extra_pids: list[int] = field(default_factory=list)

    def pids(self) -> list[int]:
        """Every process serving viewers (Streamlit and nginx's master and workers), for CPU and memory."""
        pids = [b.process.pid for b in self.backends if b.process.poll() is None]
        if self.nginx is not None and self.nginx.poll() is None:
            pids.append(self.nginx.pid)
            pids += _children(self.nginx.pid)
        return pids


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _streamlit(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "dashboard.serve", "--server.headless", "true",  # caches warmed at start
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextmanager
def serve(processes: int = 2, *, proxy: bool = True, port: int | None = None, db: Path | None = None,
          env: dict[str, str] | None = None, backend_header: bool = False, folder: Path | None = None,
          timeout: float = 120.0, dbs: list[Path] | None = None) -> Iterator[Deployment]:
    """Start `processes` Streamlit processes on free local ports and, with proxy, nginx in front.

    Without proxy (only with one process) the URL is the process's own. `dbs`, one per process,
    gives each its own warehouse (hosts that each follow the primary, warehouse/replicate.py,
    played on one machine). Everything started here is stopped on exit, whatever happened.
    """
    if not proxy and processes != 1:
        raise ValueError("several processes need the proxy")
    if dbs is not None and len(dbs) != processes:
        raise ValueError(f"{len(dbs)} warehouses for {processes} processes")
    nginx = nginx_binary() if proxy else None
    if proxy and nginx is None:
        raise DeploymentError("nginx is not installed (Debian package `nginx`: apt-get install -y nginx)")
    with ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dashboard-multi-")))
        folder.mkdir(parents=True, exist_ok=True)
        run_env = {**os.environ, **(env or {})}
        run_env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))  # shared by every process
        # this checkout's code, not whatever an editable install elsewhere points at
        run_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), run_env.get("PYTHONPATH", "")) if p)
        if db is not None:
            run_env["DISPLACEMENT_DB"] = str(db)
        backends = []
        for i in range(processes):
            backend_port = free_port() if proxy or port is None else port
            log = folder / f"streamlit-{i + 1}.log"
            own_env = {**run_env, "DISPLACEMENT_DB": str(dbs[i])} if dbs is not None else run_env
            backend = Backend(backend_port, _streamlit(backend_port, own_env, log), log)
            stack.callback(_stop, backend.process)
            backends.append(backend)
        for i, backend in enumerate(backends):
            wait_healthy(backend.url + "/_stcore/health", backend.process, timeout, f"Streamlit process {i + 1}",
                         backend.log)
        if not proxy:
            yield Deployment(backends[0].url, backends, folder=folder)
            return
        listen_port = port or free_port()
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        conf = folder / "nginx.conf"
        conf.write_text(render_config([b.address for b in backends], f"127.0.0.1:{listen_port}", folder,
                                      backend_header=backend_header), encoding="utf-8")
        log = folder / "error.log"
        check = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(conf), "-e", str(log)],
                               capture_output=True, text=True)
        if check.returncode:
            raise DeploymentError(f"nginx rejected {conf}: {check.stderr.strip()}")
        proxy_proc = subprocess.Popen([nginx, "-p", str(folder), "-c", str(conf), "-e", str(log)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        stack.callback(_stop, proxy_proc, signal.SIGQUIT)  # graceful: workers finish, then exit
        url = f"http://127.0.0.1:{listen_port}"
        wait_healthy(url + "/_stcore/health", proxy_proc, 30, "nginx", log)
        yield Deployment(url, backends, proxy_proc, folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="Streamlit processes (one per core)")
    parser.add_argument("--port", type=int, default=8500, help="the port nginx listens on (127.0.0.1)")
    parser.add_argument("--db", type=Path, help="warehouse (default: $DISPLACEMENT_DB, then data/warehouse.duckdb)")
    parser.add_argument("--print-config", action="store_true",
                        help="print an nginx.conf for --backend addresses (for a server's own nginx) and exit")
    parser.add_argument("--backend", action="append", default=[], help="host:port of a Streamlit process (repeatable)")
    parser.add_argument("--listen", default="80", help="with --print-config: nginx's listen directive")
    args = parser.parse_args(argv)
    if args.print_config:
        if not args.backend:
            parser.error("--print-config needs at least one --backend host:port")
        print(render_config(args.backend, args.listen, Path("/var/lib/dashboard-nginx"), workers="auto",
                            daemon=True, access_log="/var/log/nginx/dashboard.access.log"))
        return
    try:
        with serve(args.processes, port=args.port, db=args.db) as deployment:
            print(f"{args.processes} Streamlit processes behind nginx: {deployment.url}", flush=True)
            for i, backend in enumerate(deployment.backends):
                print(f"  process {i + 1}: {backend.url} (pid {backend.process.pid}, log {backend.log})", flush=True)
            print("Ctrl-C stops them all.", flush=True)
            alive = set(range(len(deployment.backends)))
            while alive:
                time.sleep(1)
                for i in sorted(alive):
                    if deployment.backends[i].process.poll() is not None:
                        alive.discard(i)
                        print(f"process {i + 1} exited (see {deployment.backends[i].log}); nginx sends its "
                              f"viewers to the {len(alive)} left", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    except DeploymentError as error:
        sys.exit(str(error))


if __name__ == "__main__":
    main()
