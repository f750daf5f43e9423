"""The project store under faults: a damaged project.gpkg, two writers at once, kill -9, a
read-only or full disk, formula-like text in the CSV outputs (issue 9)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from yitu.cli import main
from yitu.gis.gpkgsafe import gpkg_lock
from yitu.gis.io import read_table, write_csv
from yitu.layers.project import Project

ROOT = Path(__file__).resolve().parents[1]


def _cli(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _spawn(*argv: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "yitu.cli", "-q", *argv],
        env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _points(path: Path, n: int, *, kind: str | None = None, name: str = "点") -> Path:
    df = pd.DataFrame({"名称": [f"{name}{i}" for i in range(n)], "经度": 121.0 + 0.001 * (pd.RangeIndex(n) % 300),
                       "纬度": 32.0 + 0.001 * (pd.RangeIndex(n) // 300)})
    if kind is not None:
        df["类型"] = kind
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _enterprises(path: Path, n: int) -> Path:
    from benchmarks.lists_100k import synthetic_enterprises

    synthetic_enterprises(n).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A project with 200 enterprises and 3 water sources (and so a project.gpkg.bak)."""
    p = tmp_path / "P"
    assert _cli(["init", str(p)]) == 0
    assert _cli(["import", str(p), "enterprises", str(_enterprises(tmp_path / "e.csv", 200))]) == 0
    assert _cli(["import", str(p), "water_sources", str(_points(tmp_path / "w.csv", 3, kind="消火栓"))]) == 0
    return p


# ----------------------------------------------------------------------------- damaged project
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "middle"])
def test_damaged_project_stops_every_command_and_is_never_replaced(small: Path, tmp_path: Path, capsys, damage):
    gpkg = small / "project.gpkg"
    raw = gpkg.read_bytes()
    if damage == "truncate":
        gpkg.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        gpkg.write_bytes(b"\x00garbage" * 100)
    elif damage == "empty":
        gpkg.write_bytes(b"")
    else:  # the header intact, pages in the middle overwritten (a bad sector, a broken sync)
        mid = len(raw) // 2 // 4096 * 4096
        gpkg.write_bytes(raw[:mid] + b"\xa5" * 8192 + raw[mid + 8192 :])
    before = gpkg.read_bytes()
    depots = _points(tmp_path / "d.csv", 2, name="物资库")
    commands = [
        ["import", str(small), "depots", str(depots)],
        ["import", str(small), "enterprises", str(tmp_path / "e.csv"), "--append"],
        ["info", str(small)],
        ["map", str(small)],
        ["lists", str(small)],
        ["validate", str(small)],
        ["check", str(small)],
        ["report", str(small)],
        ["init", str(small)],
    ]
    capsys.readouterr()
    for argv in commands:
        assert _cli(argv) == 2, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err and "DataSourceError" not in err, (argv, err)
        if argv[0] != "init":  # init refuses any folder that has a project.gpkg
            assert "project.gpkg" in err and "已损坏" in err, (argv, err)
            assert "project.gpkg.bak" in err, err  # the last good version, with how to restore it
        assert gpkg.read_bytes() == before, argv  # never replaced, never touched
    # the backup named in the message is good: copying it back restores the project
    shutil.copyfile(small / "project.gpkg.bak", gpkg)
    assert _cli(["info", str(small)]) == 0
    assert Project.open(small).has("enterprises")


def test_backup_is_the_project_before_the_last_write(small: Path, tmp_path: Path):
    p = Project.open(small)
    assert p.backup == small / "project.gpkg.bak"
    layers = set(p.layers())
    assert _cli(["import", str(small), "depots", str(_points(tmp_path / "d.csv", 2, name="库"))]) == 0
    assert set(Project(small, p.settings).layers()) == layers | {"depots"}
    shutil.copyfile(p.backup, tmp_path / "old.gpkg")
    from yitu.gis.io import list_layers

    assert set(list_layers(tmp_path / "old.gpkg")) - {"yitu_meta"} == layers


# ----------------------------------------------------------------------------- concurrency
@pytest.mark.slow
def test_two_real_processes_importing_at_once_keep_both_layers(tmp_path: Path):
    # a project holding a big-ish layer (20,000 enterprises, 4 MB): each write copies it, so
    # without a lock the second rename drops the first writer's layer
    p = tmp_path / "P"
    assert _cli(["init", str(p)]) == 0
    assert _cli(["import", str(p), "enterprises", str(_enterprises(tmp_path / "e.csv", 20_000))]) == 0
    files = {
        "water_sources": _points(tmp_path / "w.csv", 500, kind="消火栓", name="水源"),
        "depots": _points(tmp_path / "d.csv", 500, name="物资库"),
        "shelters": _points(tmp_path / "s.csv", 500, kind="紧急", name="避难场所"),
    }
    procs = {layer: _spawn("import", str(p), layer, str(f)) for layer, f in files.items()}
    for layer, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (layer, err)
    project = Project.open(p)
    for layer in ["enterprises", *files]:
        assert project.has(layer), layer
    assert len(project.read("enterprises")) == 20_000
    assert all(len(project.read(layer)) == 500 for layer in files)
    assert not list(p.glob(".project.*.gpkg*"))


@pytest.mark.slow
def test_a_second_writer_waits_for_the_lock_then_fails_naming_the_holder(small: Path, tmp_path: Path):
    depots = _points(tmp_path / "d.csv", 2, name="物资库")
    with gpkg_lock(small / "project.gpkg"):  # this test process is "another yitu command"
        proc = _spawn("import", str(small), "depots", str(depots), YITU_LOCK_TIMEOUT="1.5")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, err
        assert "Traceback" not in err
        assert f"进程 {os.getpid()}" in err and "YITU_LOCK_TIMEOUT" in err
        assert not Project.open(small).has("depots")
        # a writer with time to wait gets in once the lock is free
        proc = _spawn("import", str(small), "depots", str(depots), YITU_LOCK_TIMEOUT="120")
        time.sleep(3.0)
        assert proc.poll() is None, proc.communicate()  # still waiting
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert Project.open(small).has("depots")


def test_append_read_modify_write_is_one_step_under_the_lock(small: Path):
    p = Project.open(small)
    with p.locked():  # reentrant: the writes inside do not wait for themselves
        w = p.read("water_sources")
        p.write("water_sources", pd.concat([w, w.assign(id=w["id"] + "b")], ignore_index=True))
    assert len(Project.open(small).read("water_sources")) == 6


@pytest.mark.slow
def test_kill_9_during_import_leaves_the_project_readable_and_the_next_command_tidies_up(tmp_path: Path):
    p = tmp_path / "P"
    assert _cli(["init", str(p)]) == 0
    assert _cli(["import", str(p), "water_sources", str(_points(tmp_path / "w.csv", 3, kind="消火栓"))]) == 0
    big = _enterprises(tmp_path / "e.csv", 60_000)
    for attempt in range(5):  # catch the writer while its hidden copy exists
        proc = _spawn("import", str(p), "enterprises", str(big))
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if list(p.glob(".project.*.gpkg")):
                break
            time.sleep(0.005)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if killed and list(p.glob(".project.*.gpkg*")):
            break
    else:
        pytest.skip("the import finished before it could be killed mid-write")
    assert list(p.glob(".project.*.gpkg*"))  # the copy the killed writer left
    project = Project.open(p)  # intact: the old file is still in place
    assert len(project.read("water_sources")) == 3
    # the next command tidies up: a reader when no writer holds the lock, a writer always
    assert _cli(["info", str(p)]) == 0
    assert not list(p.glob(".project.*.gpkg*"))
    (p / ".project.abcd1234.gpkg").write_bytes(b"left by a killed write")
    assert _cli(["import", str(p), "depots", str(_points(tmp_path / "d.csv", 2, name="库"))]) == 0
    assert not list(p.glob(".project.*.gpkg*"))


# ----------------------------------------------------------------------------- disk and folders
def test_disk_full_during_import_is_one_line_and_the_project_intact(small: Path, tmp_path: Path, capsys, monkeypatch):
    import pyogrio

    before = (small / "project.gpkg").read_bytes()
    real = pyogrio.write_dataframe

    def full(*a, **k):  # the lowest write call: GDAL writing the layer
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    capsys.readouterr()
    assert _cli(["import", str(small), "depots", str(_points(tmp_path / "d.csv", 2))]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err and str(small / "project.gpkg") in err.replace("\n", "")
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 3  # one line, wrapped by the terminal
    assert (small / "project.gpkg").read_bytes() == before
    assert not list(small.glob(".project.*.gpkg*"))

    # SQLite's own words through GDAL become the same message
    def gdal_full(*a, **k):
        raise pyogrio.errors.DataLayerError("sqlite3_exec(COMMIT) failed: database or disk is full")

    monkeypatch.setattr(pyogrio, "write_dataframe", gdal_full)
    assert _cli(["import", str(small), "depots", str(_points(tmp_path / "d.csv", 2))]) == 2
    assert "磁盘空间已满" in capsys.readouterr().err
    monkeypatch.setattr(pyogrio, "write_dataframe", real)
    assert (small / "project.gpkg").read_bytes() == before


def test_disk_full_while_writing_the_map_names_the_output(small: Path, capsys, monkeypatch):
    real_write = Path.write_text

    def full(self, *a, **k):  # the lowest write of the map's HTML; the disk fills up during it
        if self.suffix == ".html":
            with self.open("w") as f:
                f.write("<html>")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", full)
    capsys.readouterr()
    assert _cli(["map", str(small)]) == 2
    err = capsys.readouterr().err.replace("\n", "")
    assert "磁盘空间已满" in err and ".html" in err and "Traceback" not in err
    assert not [f for f in (small / "output").rglob(".*") if f.is_file()]


def _immutable(folder: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def test_folder_without_write_permission_is_one_line_exit_2(small: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    # as a user: chmod; as root (who ignores permissions): chattr +i, the immutable attribute
    if os.geteuid() != 0:
        out.chmod(0o555)
        (small).chmod(0o555)
        undo = lambda: (out.chmod(0o755), small.chmod(0o755))  # noqa: E731
    elif _immutable(out) and _immutable(small):
        undo = lambda: [subprocess.run(["chattr", "-i", str(f)]) for f in (out, small)]  # noqa: E731
    else:
        pytest.skip("cannot make a folder read-only here (root without chattr)")
    before = (small / "project.gpkg").read_bytes()
    try:
        capsys.readouterr()
        assert _cli(["lists", str(small), "--out", str(out)]) == 2
        err = capsys.readouterr().err.replace("\n", "")
        assert "没有写入权限" in err and str(out) in err and "Traceback" not in err
        assert _cli(["import", str(small), "depots", str(_points(tmp_path / "d.csv", 2))]) == 2
        err = capsys.readouterr().err.replace("\n", "")
        assert "没有写入权限" in err and str(small / "project.gpkg") in err and "Traceback" not in err
        assert _cli(["info", str(small)]) == 0  # reading a read-only project works
    finally:
        undo()
    assert (small / "project.gpkg").read_bytes() == before


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare for a private read-only mount")
def test_read_only_file_system_is_one_line_exit_2(small: Path, tmp_path: Path):
    # a read-only bind mount of the project in a private mount namespace (gone with the process)
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode:
        pytest.skip("no private mount namespace here")
    script = f"mount --bind -o ro {small} {small} && exec {sys.executable} -m yitu.cli -q map {small}"
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], env=_env(), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.replace("\n", "")
    assert "只读" in err and str(small) in err and "Traceback" not in err


# ----------------------------------------------------------------------------- CSV formulas
FORMULAS = ['=HYPERLINK("http://x","点我")', "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "=1+1"]


def test_write_csv_neutralises_formulas_keeps_numbers(tmp_path: Path):
    df = pd.DataFrame({
        "名称": [*FORMULAS, "-12.5", "+3", "普通"],
        "数值": [-1.5] * 10,
        "整数": list(range(-5, 5)),
    })
    import csv as _csv

    path = write_csv(df, tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        back = pd.DataFrame(list(_csv.DictReader(f)))
    for got, typed in zip(back["名称"], df["名称"]):
        if typed in FORMULAS:
            assert got == "'" + typed
        else:
            assert got == typed  # -12.5 and +3 are numbers, not formulas
    assert list(back["数值"]) == ["-1.5"] * 10 and back["整数"].iloc[0] == "-5"


def _no_formula_cells(path: Path) -> None:
    import csv as _csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(_csv.reader(f))
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not cell.lstrip("-").replace(".", "", 1).isdigit()):
                raise AssertionError(f"{path.name}: formula-like cell {cell!r}")


@pytest.mark.slow
def test_every_csv_output_has_no_formula_cells(demo_copy, tmp_path: Path):
    p = demo_copy
    hostile = '=HYPERLINK("http://evil.example","点我")'
    ent = p.read("enterprises")
    ent.loc[ent.index[:5], "name"] = [hostile, "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1"]
    p.write("enterprises", ent)
    st = p.read("stations")
    st.loc[st.index[0], "name"] = hostile
    p.write("stations", st)
    # rejected/*.csv: a row with a formula in its name and no coordinates
    # the good row lies inside the demo county (main rejects points outside the project's bbox)
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"名称": [hostile, "正常库"], "经度": ["=1+1", "119.45"], "纬度": ["", "32.35"]}).to_csv(
        bad, index=False, encoding="utf-8-sig")
    assert _cli(["import", str(p.path), "depots", str(bad)]) == 0
    assert _cli(["network", "build", str(p.path), "--osm", str(p.path / "inputs" / "roads.osm")]) == 0
    assert _cli(["check", str(p.path)]) in (0, 3)
    ent_id = str(ent["id"].iloc[0])
    assert _cli(["drill", str(p.path), "--at", ent_id]) in (0, 3)
    assert _cli(["gaps", str(p.path)]) in (0, 3)
    written = {f.relative_to(p.path).as_posix(): f for f in p.path.rglob("*.csv") if "inputs" not in f.parts}
    for name in ("rejected/depots.csv", "output/park_targets.csv"):
        assert name in written, sorted(written)
    assert any(n.endswith("forces.csv") for n in written), sorted(written)
    assert any(n.endswith("targets.csv") and "gaps" in n for n in written), sorted(written)
    for f in written.values():
        _no_formula_cells(f)
    from yitu.layers.load import rejected_headers

    rej = read_table(p.path / "rejected" / "depots.csv")
    assert (rej[rejected_headers()["value"]] == "'=1+1").any()  # the file's headers are Chinese (值) on main
    # the project reads its rejected list back as typed (the ' is the CSV's, not the user's)
    assert (p.read_rejected("depots")["value"] == "=1+1").any()


@pytest.mark.slow
def test_readers_never_see_a_half_written_project(tmp_path: Path):
    p = tmp_path / "P"
    assert _cli(["init", str(p)]) == 0
    assert _cli(["import", str(p), "enterprises", str(_enterprises(tmp_path / "e.csv", 20_000))]) == 0
    water = _points(tmp_path / "w.csv", 300, kind="消火栓", name="水源")
    script = (f"for i in 1 2; do {sys.executable} -m yitu.cli -q import {p} water_sources {water} "
              f"|| exit 1; done")
    writer = subprocess.Popen(["sh", "-c", script], env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reads = 0
    while writer.poll() is None:
        project = Project.open(p)  # every read sees a whole file: the old one or the new one
        assert len(project.read("enterprises")) == 20_000
        if project.has("water_sources"):
            assert len(project.read("water_sources")) == 300
        reads += 1
    assert writer.wait() == 0, writer.stderr.read().decode()
    writer.stderr.close()
    assert reads > 0 and len(Project.open(p).read("water_sources")) == 300


@pytest.mark.slow
def test_two_real_processes_appending_to_one_layer_keep_both_files_rows(tmp_path: Path):
    # --append reads the stored layer, adds the rows and writes it back: under the project lock, so the
    # second command cannot write between the first one's read and write (its rows would be lost)
    p = tmp_path / "P"
    assert _cli(["init", str(p)]) == 0
    assert _cli(["import", str(p), "enterprises", str(_enterprises(tmp_path / "e.csv", 20_000))]) == 0
    files = []
    for tag in ("A", "B"):
        f = _points(tmp_path / f"{tag}.csv", 300, name=f"水源{tag}")
        df = pd.read_csv(f, encoding="utf-8-sig")
        df.insert(0, "编号", [f"{tag}{i:04d}" for i in range(len(df))])
        df.to_csv(f, index=False, encoding="utf-8-sig")
        files.append(f)
    assert _cli(["import", str(p), "water_sources", str(_points(tmp_path / "first.csv", 1, name="首"))]) == 0
    procs = [_spawn("import", str(p), "water_sources", str(f), "--append") for f in files]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    ids = set(Project.open(p).read("water_sources")["id"].astype(str))
    assert {f"A{i:04d}" for i in range(300)} <= ids and {f"B{i:04d}" for i in range(300)} <= ids
    assert len(ids) == 601
