""".ci/run installs the Debian packages with every service start forbidden, puts the machine's
own policy back, and never stops a process by name (the tests' Virtuoso servers, and anyone
else's, are virtuoso-t processes too). Run here with every command it calls replaced by a stub
that logs its arguments."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CI = Path(__file__).resolve().parents[1] / ".ci" / "run"
PACKAGE_PID = Path("/var/run/virtuoso-opensource-7.pid")  # the package's init script writes it

STUB = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CI_LOG"\n'
STUBS = {
    "id": "#!/bin/sh\necho 0\n",  # as root: the install step runs
    "debconf-set-selections": STUB + "cat > /dev/null\n",
    # apt-get records what the policy answers when a postinst asks to start the daemon
    "apt-get": STUB + '"$LODPUB_CI_POLICY_RC_D" virtuoso-opensource-7 start; echo "policy $?" >> "$CI_LOG"\n'
    'exit "${APT_EXIT:-0}"\n',
}
COMMANDS = ("debconf-set-selections", "service", "pkill", "killall", "pgrep", "python", "pip", "ruff", "mypy")


def run_ci(tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in COMMANDS:
        (bin_dir / name).write_text(STUBS.get(name, STUB))
    for name, text in STUBS.items():
        (bin_dir / name).write_text(text)
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    log = tmp_path / "log"
    log.write_text("")
    environ = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CI_LOG": str(log),
        "LODPUB_CI_POLICY_RC_D": str(tmp_path / "policy-rc.d"),
        **env,
    }
    done = subprocess.run(["bash", str(CI)], env=environ, capture_output=True, timeout=60, check=False)
    return done.returncode, log.read_text().splitlines()


@pytest.fixture(autouse=True)
def needs_bash() -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")


def test_install_forbids_service_starts_and_kills_nothing_by_name(tmp_path: Path) -> None:
    code, log = run_ci(tmp_path)
    assert code == 0, log
    calls = [line.split()[0] for line in log]
    assert "apt-get" in calls and "policy 101" in log  # the postinst's start is refused
    assert not {"pkill", "killall", "pgrep"} & set(calls), log
    assert ("service" in calls) == PACKAGE_PID.exists()  # only a daemon the package started
    assert not (tmp_path / "policy-rc.d").exists()  # the machine had none: none is left
    assert calls[-1] == "python"  # then the README's test command


def test_the_machines_own_policy_is_put_back_even_when_the_install_fails(tmp_path: Path) -> None:
    own = tmp_path / "policy-rc.d"
    own.write_text("#!/bin/sh\n# the image's own policy\nexit 101\n")
    code, log = run_ci(tmp_path, APT_EXIT="100")
    assert code != 0 and "python" not in [line.split()[0] for line in log]
    assert own.read_text() == "#!/bin/sh\n# the image's own policy\nexit 101\n"
    assert not (tmp_path / "policy-rc.d.lodpub-ci").exists()
    code, log = run_ci(tmp_path)
    assert code == 0 and own.read_text().startswith("#!/bin/sh\n# the image's own policy")
