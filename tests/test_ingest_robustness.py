"""Interrupted and concurrent ingests, and a property: ingest never crashes, never loses."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import filrouge

from .conftest import make_articles, write_jsonl


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as con:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _integrity(db: Path) -> None:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        fts = con.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert n == fts  # the full-text index is in step


def _corpus(tmp_path: Path, files: int, per_file: int, prefix: str = "c") -> Path:
    d = tmp_path / f"corpus_{prefix}"
    d.mkdir()
    for i in range(files):
        write_jsonl(d / f"part{i:03d}.jsonl", make_articles(per_file, prefix=f"{prefix}{i}_"))
    return d


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_robustness_interrupted_ingest_is_consistent_and_resumable(tmp_path, db_path, sig):
    corpus = _corpus(tmp_path, files=40, per_file=100)
    total = 4000
    cmd = [sys.executable, "-m", "filrouge.cli", "--db", str(db_path), "ingest", "--workers", "1", str(corpus)]
    # Ctrl-C as a terminal sends it: the child starts with SIGINT's default disposition, not
    # with the one this test run may have inherited (a job started with "&" by a
    # non-interactive shell ignores SIGINT, and so would every process it starts).
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while _count(db_path) < 200 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    stored = _count(db_path)
    assert 0 < stored < total, "the ingest finished before it could be interrupted"
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err
        assert "run the same command" in err
    _integrity(db_path)
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _count(db_path) == total
    assert f"{stored} unchanged" in again.stdout or "unchanged" in again.stdout
    _integrity(db_path)


@pytest.mark.slow
def test_robustness_two_concurrent_ingests_lose_nothing(tmp_path, db_path):
    a = _corpus(tmp_path, files=10, per_file=100, prefix="a")
    b = _corpus(tmp_path, files=10, per_file=100, prefix="b")
    shared = tmp_path / "shared.jsonl"
    write_jsonl(shared, make_articles(200, prefix="s"))
    cmds = [[sys.executable, "-m", "filrouge.cli", "--db", str(db_path), "ingest", "--workers", "1",
             str(x), str(shared)] for x in (a, b)]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
    assert _count(db_path) == 2200
    _integrity(db_path)
    with filrouge.open(db_path) as fr:
        assert all(v.version == 1 for v in fr.iter_articles())  # the shared file: stored once


_names = st.sampled_from(["a.txt", "b.html", "c.jsonl", "d.xml", "e", "f.json", "g.rss", "h.txt"])
_payloads = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.dictionaries(st.sampled_from(["id", "text", "title", "published", "language", "html"]),
                             st.one_of(st.text(max_size=40), st.integers(), st.none()), max_size=5),
             max_size=4).map(lambda rs: "\n".join(json.dumps(r) for r in rs).encode()),
    st.sampled_from([b"<html><body><p>" + b"mot " * 20 + b"</p>", b"<?xml version='1.0'?><rss><channel>",
                     b"\xff\xfe" + "texte".encode("utf-16-le"), b"date 2024-13-45 Titre\n\nCorps."]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(_names, _payloads), min_size=1, max_size=4))
def test_robustness_ingest_never_crashes_never_loses(tmp_path_factory, files):
    work = tmp_path_factory.mktemp("prop")
    db = work / "p.db"
    with filrouge.open(db) as fr:
        fr.ingest_records([{"id": "keep1", "text": "Un article déjà stocké, qui doit survivre."},
                           {"id": "keep2", "title": "Deux", "text": "Un autre article stocké avant le lot."}])
        before = {a.id: a.content_hash for a in fr.iter_articles()}
        d = work / "in"
        d.mkdir()
        for name, data in files:
            (d / name).write_bytes(data)
        report = fr.ingest([d])
        after = {a.id: a for a in fr.iter_articles()}
        for aid, h in before.items():
            assert aid in after
            if aid not in report.stored_ids:
                assert after[aid].content_hash == h
        assert report.files == len({n for n, _ in files})
        assert fr.store.integrity_check() == "ok"
