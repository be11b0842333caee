"""Real web servers for the tests, on loopback ports, stopped by PID: `lodpub serve`, and nginx
and Apache httpd serving a static site with the configuration `lodpub site` writes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .conftest import require_tool
from .stores import free_port, wait_for


@dataclass
class Serve:
    """A `lodpub serve` process and what it printed."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def rss(self) -> int:
        """The resident memory of the server and its query workers, in bytes."""
        total = 0
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                fields = Path(f"/proc/{pid}/statm").read_text().split()
            except OSError:
                continue
            total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
        return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in _children(child)]


def start(dist: Path, tmp_path: Path, *options: str, wrapper: tuple[str, ...] = ()) -> Serve:
    """``lodpub serve DIST OPTIONS``, run through ``wrapper`` (a command prefix) if given."""
    port = free_port()
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / f"serve-{port}.log"
    command = [*wrapper, sys.executable, "-m", "lodpub", "serve", str(dist), "--port", str(port), *options]
    with open(log, "wb") as err:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/.well-known/void", 60)
    return Serve(process, url, log)


def stop(serve: Serve) -> None:
    serve.process.send_signal(signal.SIGINT)
    try:
        serve.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        serve.process.kill()
        serve.process.wait()


def nginx(site: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """nginx serving ``site`` with its nginx.conf (on a free port), in the foreground."""
    binary = require_tool("nginx")
    port = free_port()
    conf = (
        (site / "nginx.conf").read_text(encoding="utf-8").replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(conf, encoding="utf-8")
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    main = f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/", 30)
    return process, url


def apache(site: Path, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Apache httpd serving ``site`` with its apache.conf (on a free port), in the foreground."""
    binary = require_tool("apache2")
    modules = Path("/usr/lib/apache2/modules")
    port = free_port()
    conf = (
        (site / "apache.conf")
        .read_text(encoding="utf-8")
        .replace("<VirtualHost *:80>", f"<VirtualHost 127.0.0.1:{port}>")
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(conf, encoding="utf-8")
    user = "www-data" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
    main = f"""ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/apache.pid
ErrorLog {folder}/error.log
LogLevel warn
Mutex file:{folder}
User {user}
Group {user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule mime_module {modules}/mod_mime.so
TypesConfig /dev/null
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule headers_module {modules}/mod_headers.so
Include {folder}/site.conf
"""
    (folder / "apache.conf").write_text(main, encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-DFOREGROUND", "-f", str(folder / "apache.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/", 30)
    return process, url


def ended(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started here (by its PID), and wait for it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def dom(url: str, folder: Path, *extra: str) -> str:
    """The page as headless Chromium renders it (scripts run)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or require_tool("chromium")
    done = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder}",
            "--virtual-time-budget=5000",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout
