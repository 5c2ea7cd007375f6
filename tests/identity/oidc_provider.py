"""Install and run the development OpenID Connect provider (tests/identity/provider/).

The provider is the npm package ``oidc-provider`` (OpenID Certified), run by Node.js on
loopback. Its packages are installed once per version of ``package.json`` into a cache
directory outside the repository (``$MOTCUA_TOOLS_DIR``, default ``~/.cache/motcua/tools``),
without a lock file, so nothing that records download addresses is committed.

    python -m tests.identity.oidc_provider install   # what `make setup-test` runs
    python -m tests.identity.oidc_provider serve     # a provider for `make run`, port 9400

Every failure raises :class:`ProviderError` with a message saying what to do: the test
fixture turns it into a failure, never a skip.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent / "provider"
PACKAGE_JSON = HERE / "package.json"
SCRIPT = HERE / "server.mjs"
MIN_NODE = 20
START_TIMEOUT = 30.0


class ProviderError(RuntimeError):
    pass


def tools_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "motcua" / "tools"
    return Path(os.environ.get("MOTCUA_TOOLS_DIR", default))


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ProviderError(
            "Node.js is needed to run the development OpenID Connect provider and was not "
            "found on PATH. Install it (Debian: apt-get install nodejs npm) and run again."
        )
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_NODE:
        raise ProviderError(f"Node.js {MIN_NODE} or newer is needed, found {version or '?'}")
    return node


def install() -> Path:
    """Install the provider's npm packages if this package.json was not installed yet."""
    _node()
    npm = shutil.which("npm")
    if npm is None:
        raise ProviderError("npm was not found on PATH (Debian: apt-get install npm)")
    digest = hashlib.sha256(PACKAGE_JSON.read_bytes()).hexdigest()[:16]
    root = tools_dir()
    target = root / f"oidc-provider-{digest}"
    marker = target / ".installed"
    if marker.exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    # Two test runs installing at once: the second waits for the first and reuses its work.
    with (root / ".oidc-provider.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return target
        staging = Path(tempfile.mkdtemp(prefix="oidc-provider-", dir=root))
        shutil.copy(PACKAGE_JSON, staging / "package.json")
        command = [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--omit=dev",
            "--loglevel=error",
        ]
        try:
            done = subprocess.run(
                command, cwd=staging, capture_output=True, text=True, timeout=600, check=False
            )
        except subprocess.TimeoutExpired:
            shutil.rmtree(staging, ignore_errors=True)
            raise ProviderError("npm install of oidc-provider timed out after 10 minutes") from None
        if done.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise ProviderError(
                "npm install of the development OpenID Connect provider failed "
                f"(exit {done.returncode}); is the npm registry reachable?\n{done.stderr[-2000:]}"
            )
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        marker.write_text(digest)
    return target


@dataclass
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.log[-60:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(
    *,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),
    client_id: str = "motcua-test",
    client_secret: str | None = None,
    port: int = 0,
    accounts_file: Path | None = None,
    echo: bool = False,
) -> RunningProvider:
    """Start the provider and wait until its discovery document answers."""
    node = _node()
    workdir = install()
    # ESM resolves packages from the script's folder: run a copy next to node_modules.
    script = workdir / "server.mjs"
    shutil.copy(SCRIPT, script)
    client_secret = client_secret or hashlib.sha256(os.urandom(32)).hexdigest()
    env = {
        **os.environ,
        "OIDC_HOST": "127.0.0.1",
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(post_logout_redirect_uris),
        "NODE_ENV": "development",
        "OIDC_EXIT_WITH_PARENT": "1",
    }
    if accounts_file is not None:
        env["OIDC_ACCOUNTS_FILE"] = str(accounts_file)
    process = subprocess.Popen(
        [node, str(script)],
        cwd=workdir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    log: list[str] = []
    ready = threading.Event()
    issuer_box: list[str] = []

    def pump() -> None:
        for line in process.stdout:
            log.append(line)
            del log[:-500]
            if echo:
                print(line, end="", flush=True)
            if line.startswith("READY ") and not ready.is_set():
                issuer_box.append(line.split(" ", 1)[1].strip())
                ready.set()

    threading.Thread(target=pump, daemon=True, name="oidc-provider-log").start()
    running = RunningProvider("", client_id, client_secret, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while not ready.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise ProviderError(
                "the development OpenID Connect provider did not start "
                f"(exit code {process.returncode}):\n{running.output}"
            )
    running.issuer = issuer_box[0]
    discovery = f"{running.issuer}/.well-known/openid-configuration"
    while True:
        try:
            with urllib.request.urlopen(discovery, timeout=2) as response:  # noqa: S310 - loopback
                if json.load(response).get("issuer") == running.issuer:
                    return running
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise ProviderError(
                f"the provider's discovery document did not answer at {discovery}:\n"
                f"{running.output}"
            )
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install the provider's npm packages")
    serve = commands.add_parser("serve", help="run a provider for the demo server")
    serve.add_argument("--port", type=int, default=9400)
    serve.add_argument("--public-url", default="http://127.0.0.1:8000")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "install":
            print(f"oidc-provider installed in {install()}")
            return 0
        public = arguments.public_url.rstrip("/")
        provider = start(
            redirect_uris=[f"{public}/oidc/callback/"],
            post_logout_redirect_uris=[f"{public}/"],
            client_id="motcua-dev",
            client_secret="motcua-dev-secret",
            port=arguments.port,
            echo=True,
        )
    except ProviderError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"MOTCUA_OIDC_ISSUER={provider.issuer}")
    print(f"MOTCUA_OIDC_CLIENT_ID={provider.client_id}")
    print(f"MOTCUA_OIDC_CLIENT_SECRET={provider.client_secret}")
    print("accounts: 046190001234 / mat-khau-1 (level 2), 001085004321 / mat-khau-2 (level 1)")
    with contextlib.suppress(KeyboardInterrupt):
        provider.process.wait()
    provider.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
