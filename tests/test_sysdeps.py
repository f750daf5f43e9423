"""scripts/install-sysdeps.sh: the font check is not fooled by SIGPIPE, and a user without root
or sudo is told the one command to run instead of a crash."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install-sysdeps.sh"


def _bin(tmp_path: Path, fonts: str) -> Path:
    b = tmp_path / "bin"
    b.mkdir(parents=True)
    tools = {
        "fc-list": f"#!/bin/bash\nprintf '%s' '{fonts}'\nfor i in $(seq 1 5000); do echo \"/usr/share/fonts/x$i.ttf: Other Font $i\"; done\n",
        "id": "#!/bin/bash\necho 1000\n",  # a normal user; no sudo on this PATH
        "seq": "#!/bin/bash\nexec /usr/bin/seq \"$@\"\n",
    }
    for name, body in tools.items():
        p = b / name
        p.write_text(body)
        p.chmod(p.stat().st_mode | stat.S_IEXEC)
    return b


def _run(tmp_path: Path, fonts: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(_bin(tmp_path, fonts)), "HOME": str(tmp_path)}
    return subprocess.run(["/bin/bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_font_found_at_the_top_of_a_long_list(tmp_path):
    # grep -q stopped reading after the first line and fc-list died of SIGPIPE (141): "no font"
    for _ in range(3):
        r = _run(tmp_path / str(_), "/usr/share/fonts/NotoSansCJK.ttc: Noto Sans CJK SC:style=Regular\n")
        assert r.returncode == 0 and r.stderr == "", r.stderr


def test_no_root_no_sudo_says_what_to_install(tmp_path):
    r = _run(tmp_path, "", "--test")
    assert r.returncode == 0, r.stderr
    assert "sudo: command not found" not in r.stderr and "command not found" not in r.stderr
    assert "apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig chromium chromium-driver" in r.stderr
    assert os.access(SCRIPT, os.R_OK)
