"""Issue 13, nothing lost: a write that is killed, interrupted or runs out of disk never leaves a
0-byte, truncated or half-filled file or folder where the user's was (or where none was).

The writers are paused half-way with ``HIPVIZ_TEST_PAUSE_WRITES`` (see :mod:`hipviz.io.atomic`)
and killed there; a full disk is a file-size limit (``RLIMIT_FSIZE``) in the child process, or a
monkeypatched write that raises ``ENOSPC``.
"""
from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipviz.io import atomic
from hipviz.io.atomic import OutputError, atomic_folder, atomic_path, remove_leftovers, write_bytes

ROOT = Path(__file__).resolve().parents[1]
MESHES = ROOT / "meshes"
needs_meshes = pytest.mark.skipif(not (MESHES / "pelvis.ply").exists(), reason="bone meshes not generated")
RENDER = ["render", "--size", "96x64", "--no-muscles"]


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def hipviz_cmd(*argv, pause: float | None = None, limit_bytes: int | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("HIPVIZ_TEST_PAUSE_WRITES", None)
    if pause is not None:
        env["HIPVIZ_TEST_PAUSE_WRITES"] = str(pause)

    def limit():  # in the child: a disk that is full after ``limit_bytes`` of any one file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.Popen([sys.executable, "-m", "hipviz", *map(str, argv)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=limit if limit_bytes is not None else None)


def wait_for(cond, proc, timeout=90.0):
    t = time.monotonic()
    while not cond():
        if proc.poll() is not None:
            raise AssertionError(f"the writer ended before it paused: {proc.communicate()}")
        if time.monotonic() - t > timeout:
            proc.kill()
            raise AssertionError("the writer never paused")
        time.sleep(0.05)


def kill_while_writing(proc, folder: Path, prefix: str, sig: int) -> tuple[int, str]:
    wait_for(lambda: any(n.startswith(prefix) for n in hidden(folder)), proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, err


# -- the building blocks, in this process ---------------------------------------------------

def test_a_failing_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "data.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk gone")
    assert target.read_text() == "old" and hidden(tmp_path) == []
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new" and hidden(tmp_path) == []


def test_a_full_disk_in_write_bytes_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "pic.png"
    target.write_bytes(b"good picture")
    real_open = open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[:3])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("builtins.open", lambda p, mode="r", *a, **k: Full(real_open(p, mode, *a, **k))
                        if "w" in mode else real_open(p, mode, *a, **k))
    with pytest.raises(OSError, match="No space left"):
        write_bytes(target, b"x" * 1000)
    monkeypatch.undo()
    assert target.read_bytes() == b"good picture" and hidden(tmp_path) == []


def test_a_folder_appears_only_when_complete(tmp_path):
    target = tmp_path / "bones"
    with pytest.raises(OSError):
        with atomic_folder(target) as tmp:
            (tmp / "a.ply").write_text("a")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert not target.exists() and hidden(tmp_path) == []
    target.mkdir()  # an empty folder may be filled
    with atomic_folder(target) as tmp:
        (tmp / "a.ply").write_text("a")
    assert (target / "a.ply").read_text() == "a" and hidden(tmp_path) == []
    with pytest.raises(OutputError, match="already exists"):
        with atomic_folder(target) as tmp:
            (tmp / "b.ply").write_text("b")
    assert sorted(p.name for p in target.iterdir()) == ["a.ply"] and hidden(tmp_path) == []
    (tmp_path / "file").write_text("mine")
    with pytest.raises(OutputError, match="is a file"):
        with atomic_folder(tmp_path / "file"):
            pass
    assert (tmp_path / "file").read_text() == "mine"


def test_leftovers_of_dead_writers_are_removed_but_not_those_of_running_ones(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".pic.part-{dead_pid}-0123abcd.png"
    stale.write_bytes(b"half")
    (tmp_path / f".pic.building-{dead_pid}-0123abcd").mkdir()
    live = tmp_path / f".pic.part-{os.getppid()}-89abcdef.png"  # our parent runs
    live.write_bytes(b"in progress")
    other = tmp_path / f".picture.part-{dead_pid}-0123abcd.png"  # another target's
    other.write_bytes(b"x")
    removed = remove_leftovers(tmp_path / "pic.png")
    assert sorted(p.name for p in removed) == sorted([stale.name, f".pic.building-{dead_pid}-0123abcd"])
    assert live.exists() and other.exists()


def test_render_png_writes_whole_pictures_only(tmp_path, model, monkeypatch):
    import hipviz
    from hipviz.render import render_png

    target = tmp_path / "good.png"
    target.write_bytes(b"\x89PNG good")
    state = hipviz.evaluate(model, {"flexion": 30}, with_paths=False)

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("hipviz.render.export.write_bytes", full)
    with pytest.raises(OSError):
        render_png(state, target, size=(64, 48), muscles=False)
    assert target.read_bytes() == b"\x89PNG good" and hidden(tmp_path) == []


# -- killed and failing commands ------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_render_overwrite_killed_mid_write_keeps_the_good_picture(tmp_path, sig):
    good = tmp_path / "good.png"
    assert subprocess.run([sys.executable, "-m", "hipviz", *RENDER, "-o", str(good)], cwd=ROOT).returncode == 0
    before = good.read_bytes()
    proc = hipviz_cmd(*RENDER, "--view", "side", "--overwrite", "-o", good, pause=60)
    code, err = kill_while_writing(proc, tmp_path, ".good.part-", sig)
    assert good.read_bytes() == before
    if sig == signal.SIGTERM:
        assert code == 130 and "Traceback" not in err
        assert hidden(tmp_path) == []  # cleaned up on the way out
    else:
        assert code == -signal.SIGKILL
        assert len(hidden(tmp_path)) == 1  # a hidden leftover only; the next write removes it
        proc = hipviz_cmd(*RENDER, "--overwrite", "-o", good)
        assert proc.wait(timeout=120) == 0
        assert hidden(tmp_path) == [] and good.read_bytes()[:4] == b"\x89PNG"


def test_render_new_file_killed_mid_write_leaves_no_file(tmp_path):
    proc = hipviz_cmd(*RENDER, "-o", tmp_path / "new.png", pause=60)
    code, err = kill_while_writing(proc, tmp_path, ".new.part-", signal.SIGTERM)
    assert code == 130 and list(tmp_path.iterdir()) == []


def test_render_on_a_full_disk_keeps_the_good_picture_and_says_why(tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(b"\x89PNG the good one")
    proc = hipviz_cmd(*RENDER[:2], "400x300", "-o", good, "--overwrite", limit_bytes=4096)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert err.strip().count("\n") == 0 and "cannot write" in err and "File too large" in err
    assert good.read_bytes() == b"\x89PNG the good one" and hidden(tmp_path) == []


@needs_meshes
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_import_bones_killed_leaves_no_folder(tmp_path, sig):
    out = tmp_path / "mybones"
    proc = hipviz_cmd("import-bones", "-o", out, "--pelvis", MESHES / "pelvis.ply", MESHES / "pelvis.landmarks.toml",
                      pause=60)
    code, err = kill_while_writing(proc, tmp_path, ".mybones.building-", sig)
    assert not out.exists()
    if sig == signal.SIGTERM:
        assert code == 130 and hidden(tmp_path) == []
    else:  # a hidden half-built folder, which the next import removes
        assert len(hidden(tmp_path)) == 1
        from hipviz.io.bones import import_bones
        import_bones(out, {"pelvis": (MESHES / "pelvis.ply", MESHES / "pelvis.landmarks.toml")})
        assert hidden(tmp_path) == [] and (out / "pelvis.ply").exists()


@needs_meshes
def test_import_bones_on_a_full_disk_leaves_no_folder(tmp_path):
    out = tmp_path / "mybones"
    proc = hipviz_cmd("import-bones", "-o", out, "--pelvis", MESHES / "pelvis.ply", MESHES / "pelvis.landmarks.toml",
                      limit_bytes=100_000)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "cannot write" in err and "nothing was written" in err and err.strip().count("\n") == 0
    assert list(tmp_path.iterdir()) == []


def test_the_cli_entry_point_turns_sigterm_into_an_interrupt(capsys):
    from hipviz.cli import main

    before = signal.getsignal(signal.SIGTERM)
    try:
        assert main(["pose", "--json", "--no-paths"]) == 0
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and handler is not before
        with pytest.raises(KeyboardInterrupt):
            handler(signal.SIGTERM, None)
    finally:
        signal.signal(signal.SIGTERM, before)
    capsys.readouterr()
