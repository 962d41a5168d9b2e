"""Every command the README shows works when copied as written, on a checkout with a fresh var/ and an
environment that configures nothing (no DEBUG, SECRET_KEY nor DATABASE_URL), as on a fresh clone.

The commands are read from the README itself (code blocks and inline code that start like a command),
so the list below cannot drift from it: a command in one and not the other fails the test. Each one is
run, or started and stopped when it serves until Ctrl-C, or says why it is not run here (it is the
suite itself, installs system packages, or belongs to the Production section, which needs a production
database and secrets). `make run` is started on a free port (`PORT=`, a Makefile variable) instead of
8000, which another process of the machine may hold; the `curl` of /healthz goes to that port.

While `make run` serves, the test also walks the access-request journey as the access administrator
(password, then the code `demo_totp_code` prints) and waits for the two e-mails of the approval (the
username to the prescriber, the temporary password to the person) in var/mail/.
"""

from __future__ import annotations

import http.cookiejar
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMMAND = re.compile(r"^(?:make |\.venv/bin/|bash |apt-get |curl |[A-Z_]+=\S+ make )")
RUN, SERVE, TERMINAL = "run", "serve", "run in a terminal"
HOW: dict[str, str] = {
    "make run": SERVE,
    "make test": "not run: the suite itself, this test included",
    "make check": "not run: every gate of CI, the suite included",
    "make translations-check": "not run: rewrites the catalogues (CI runs it)",
    "make bench": "not run: minutes of load benchmarks (docs/performance.md)",
    "apt-get install chromium": "not run: installs a system package (.ci/run does)",
    "apt-get install gettext": "not run: installs a system package (.ci/run does)",
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/pme make test": "not run: the suite on PostgreSQL (CI)",
    "bash .ci/run": "not run: CI itself",
    ".venv/bin/python manage.py demo_totp_code CE100003": RUN,
    ".venv/bin/python manage.py create_user --role reviewer --username CE123456 --email x@regie.example": (
        TERMINAL
    ),
    "curl -s http://127.0.0.1:8000/healthz": RUN,
    ".venv/bin/python manage.py verify_audit": RUN,
    ".venv/bin/python manage.py apply_retention --dry-run": RUN,
    ".venv/bin/python manage.py apply_retention": RUN,
    ".venv/bin/python manage.py send_expiry_reminders": RUN,
    ".venv/bin/python manage.py import_catalogue pme/catalogue/data/seed-catalogue.json --dry-run": RUN,
    ".venv/bin/python manage.py export_catalogue --output /tmp/pme-catalogue.json": RUN,
    ".venv/bin/python manage.py db_worker": SERVE,
    ".venv/bin/python manage.py retry_notices": RUN,
    '.venv/bin/python manage.py create_api_token --username dr.gagnon --name "Clinic EMR" --days 30': RUN,
    ".venv/bin/python manage.py generate_data --requests 50": RUN,
}
STARTUP_SECONDS = 420  # migrations and the whole demo world, on a loaded machine
TOTP = re.compile(r"^\d{6}$", re.MULTILINE)


def readme_commands() -> list[str]:
    """The commands the README shows, outside its Production section (it has its own environment)."""
    text = README.read_text()
    production = text.index("## Production")
    text = text[:production] + text[text.index("\n## ", production + 1) :]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line)[0].strip()
            if line:
                commands.append(line)
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    commands += [span for span in re.findall(r"`([^`\n]+)`", prose) if COMMAND.match(span)]
    return list(dict.fromkeys(commands))


def test_the_list_of_commands_is_the_readme_s():
    assert set(readme_commands()) == set(HOW)


def test_make_targets_the_readme_names_exist():
    for command in HOW:
        if command.startswith("make ") or " make " in command:
            target = command.split("make ", 1)[1].split()[0]
            result = subprocess.run(
                ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False
            )
            assert result.returncode == 0, (command, result.stderr)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(var: Path) -> dict[str, str]:
    """A shell's environment with nothing configured, and a var/ of its own."""
    unset = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "PME_HTTPS", "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("PYTEST")}
    env["PME_VAR_DIR"] = str(var)
    return env


def _run(command: str, env: dict[str, str], port: int) -> str:
    command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    result = subprocess.run(
        command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _run_in_terminal(command: str, env: dict[str, str], answers: list[str]) -> str:
    """Runs `command` with a terminal (create_user prompts for the password with getpass)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        os.chdir(ROOT)
        os.execve("/bin/sh", ["/bin/sh", "-c", command], env)
    output = b""
    pending = list(answers)
    answered = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            # Answer a prompt once it is shown (a reply typed earlier would be flushed by getpass).
            if pending and output[answered:].rstrip().endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
                answered = len(output)
    _pid, status = os.waitpid(pid, 0)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, f"{command}\n{text[-2000:]}"
    return text


def _start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Starts `command` in its own process group, its output in `log` (a pipe left unread would fill
    up and stall it)."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            command,
            shell=True,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes], log: Path) -> str:
    """Ctrl-C: SIGINT to the whole process group, as a terminal sends it. Everything must stop."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("did not stop on Ctrl-C") from None
    # The children finish their shutdown (the task worker ends its current poll) a moment after make.
    deadline = time.monotonic() + 15
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = _group_members(process.pid)
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    assert not alive, f"processes of the group outlived Ctrl-C by 15 s: {alive}"
    return log.read_text(errors="replace")


def _group_members(pgid: int) -> list[str]:
    """The command lines of the processes still in the group (zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                members.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
        except (OSError, IndexError, ValueError):
            continue
    return members


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"stopped early:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _mails(var: Path) -> list[str]:
    folder = var / "mail"
    return [p.read_text(errors="replace") for p in sorted(folder.glob("*"))] if folder.exists() else []


def _wait_for_mail(var: Path, predicate: object, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in _mails(var) if predicate(m)]  # type: ignore[operator]
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"no matching e-mail in {var / 'mail'} within {seconds} s")


class Browser:
    """Just enough of a browser for the journey: cookies, CSRF tokens, redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as answer:
            return answer.geturl(), answer.read().decode()

    def post(self, path: str, data: dict[str, str], *, page: str) -> tuple[str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the page"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as answer:
            return answer.geturl(), answer.read().decode()


def _approve_an_access_request(base: str, totp: str) -> None:
    browser = Browser(base)
    url, page = browser.get("/fr/accounts/login/")
    url, page = browser.post(
        "/fr/accounts/login/", {"username": "CE100003", "password": "exception-demo-2026"}, page=page
    )
    assert "/security/two-factor/" in url, url
    path = urllib.parse.urlsplit(url)
    url, page = browser.post(f"{path.path}?{path.query}", {"token": totp}, page=page)
    assert "/security/two-factor/" not in url, "the second factor was refused"
    _url, page = browser.get("/fr/accounts/regie/access-requests/")
    pk = re.search(r'href="/fr/accounts/regie/access-requests/(\d+)/"', page)
    assert pk, "no access request waiting for the Régie"
    _url, page = browser.get(f"/fr/accounts/regie/access-requests/{pk.group(1)}/")
    url, page = browser.post(f"/fr/accounts/regie/access-requests/{pk.group(1)}/approve/", {}, page=page)
    assert "CE" in page


@pytest.fixture
def fresh_var(tmp_path: Path) -> Path:
    return tmp_path / "var"


def _port_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the README's commands use their own SQLite database: they run once, in the SQLite pass",
)
def test_every_readme_command_works_as_written(fresh_var, tmp_path):
    env = _environment(fresh_var)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "make-run.log"
    server = _start(f"make run PORT={port}", env, log)
    try:
        _wait_for(f"{base}/healthz", server, STARTUP_SECONDS, log)
        # The task worker runs beside the server: the demo's queued e-mails land within seconds.
        _wait_for_mail(fresh_var, lambda m: "To: melanie.dion@" in m, 60)
        outputs = {}
        for command, how in HOW.items():
            if how == RUN:
                outputs[command] = _run(command, env, port)
            elif how == TERMINAL:
                outputs[command] = _run_in_terminal(command, env, ["un-mot-de-passe-assez-long-2026"] * 2)
        assert TOTP.search(outputs[".venv/bin/python manage.py demo_totp_code CE100003"])
        # A code lasts 30 seconds: a fresh one, from the same README command, right before it is typed.
        totp = TOTP.search(_run(".venv/bin/python manage.py demo_totp_code CE100003", env, port))
        assert totp, "demo_totp_code printed no code"
        _approve_an_access_request(base, totp.group(0))
        # The temporary password to the person, the username to the prescriber who asked for the access.
        _wait_for_mail(fresh_var, lambda m: "To: karine.boucher@" in m or "To: emma.wilson@" in m, 60)
        _wait_for_mail(
            fresh_var,
            lambda m: (
                ("To: marie.tremblay@" in m and "Karine Boucher" in m)
                or ("To: louis.gagnon@" in m and "Emma Wilson" in m)
            ),
            60,
        )
    finally:
        output = _stop(server, log)
    assert "web.1" in output  # both processes of the Procfile ran, and both stopped
    assert "worker.1 stopped" in output
    assert _port_closed(port)
    worker_log = tmp_path / "db-worker.log"
    worker = _start(".venv/bin/python manage.py db_worker", env, worker_log)
    time.sleep(5)
    assert worker.poll() is None, "db_worker stopped by itself"
    _stop(worker, worker_log)
