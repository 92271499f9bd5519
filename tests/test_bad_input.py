"""Bad input: one clear line naming the file, the batch goes on, nothing stored is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import FIXTURES, cli_json, run_cli, write_jsonl

EXIT_REJECTED = 3


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    (d / "good.txt").write_text("Un bon article, qui doit être lu malgré ses voisins.", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_text("   \n\n  \n")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    (d / "nul.txt").write_bytes(b"abc\x00def" * 50)
    (d / "latin1.txt").write_bytes("Le préfet a annoncé l'évacuation des élèves à Nîmes.".encode("latin-1"))
    (d / "broken.html").write_text("<html><body><div><p>Rien", encoding="utf-8")
    (d / "big.txt").write_bytes(b"x" * 1024)
    (d / "notfeed.xml").write_text('<?xml version="1.0"?><config><a>1</a></config>')
    write_jsonl(d / "lines.jsonl", [{"id": "ok1", "text": "Ligne valide numéro un."}])
    with open(d / "lines.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "bad", "text": "virgule manquante" "x": 1}\n')
        fh.write('["not", "an", "object"]\n')
        fh.write('{"id": "notext", "text": ""}\n')
        fh.write('{"id": "ok2", "text": "Ligne valide numéro cinq, après trois mauvaises."}\n')
    return d


def test_bad_input_each_rejected_with_reason_batch_goes_on(batch, db_path, tmp_path):
    cfg = tmp_path / "small.toml"
    cfg.write_text("[ingest]\nmax_file_mb = 0.0005\n")  # 524 bytes: big.txt (1 KiB) is over
    proc = run_cli("--config", str(cfg), "ingest", str(batch), str(tmp_path / "missing.txt"), db=db_path)
    assert proc.returncode == EXIT_REJECTED
    ids = {a["id"] for a in cli_json("articles", db=db_path)}
    assert ids == {"good", "latin1", "ok1", "ok2"}
    rejected = {(Path(r["path"]).name, r["line"]): r["reason"] for r in cli_json("rejected", db=db_path)}
    assert rejected[("empty.txt", None)] == "empty file"
    assert "empty file" in rejected[("blank.txt", None)]
    assert "PNG" in rejected[("image.txt", None)]
    assert "binary" in rejected[("nul.txt", None)]
    assert "no article text" in rejected[("broken.html", None)]
    assert "over the" in rejected[("big.txt", None)] and "MB" in rejected[("big.txt", None)]
    assert "not an RSS or Atom feed" in rejected[("notfeed.xml", None)]
    assert "invalid JSON" in rejected[("lines.jsonl", 2)]
    assert "JSON object" in rejected[("lines.jsonl", 3)]
    assert "no article text" in rejected[("lines.jsonl", 4)]
    assert "no such file" in rejected[("missing.txt", None)]
    # One line on stderr per rejection, naming the file (and line).
    err = [ln for ln in proc.stderr.splitlines() if ln.startswith("filrouge: rejected")]
    assert len(err) == len(rejected)
    assert any("lines.jsonl:2:" in ln for ln in err)
    assert "4 stored" in proc.stdout and f"{len(rejected)} rejected" in proc.stdout


def test_bad_input_latin1_french_comes_out_right(batch, db_path):
    run_cli("ingest", str(batch / "latin1.txt"), db=db_path)
    art = cli_json("show", "latin1", db=db_path)
    assert art["text"] == "Le préfet a annoncé l'évacuation des élèves à Nîmes."
    assert any("decoded as" in w for w in art["warnings"])


def test_bad_input_broken_html_with_text_is_kept(tmp_path, db_path):
    page = (FIXTURES / "page.html").read_text(encoding="utf-8")
    cut = page[: page.index("Environ quatre cents")]  # truncated mid-page, tags left open
    (tmp_path / "cut.html").write_text(cut, encoding="utf-8")
    proc = run_cli("ingest", str(tmp_path / "cut.html"), db=db_path)
    assert proc.returncode == 0, proc.stderr
    assert "a déclaré le préfet" in cli_json("show", "cut", db=db_path)["text"]


def test_bad_input_fifty_megabyte_file_is_rejected_by_default(tmp_path, db_path):
    big = tmp_path / "huge.html"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    proc = run_cli("ingest", str(big), db=db_path)
    assert proc.returncode == EXIT_REJECTED
    assert "huge.html" in proc.stderr and "over the 20 MB limit" in proc.stderr


def test_bad_input_never_touches_stored_articles(batch, db_path):
    run_cli("ingest", str(batch / "good.txt"), db=db_path, check=True)
    before = cli_json("show", "good", db=db_path)
    run_cli("ingest", str(batch), db=db_path)
    after = cli_json("show", "good", db=db_path)
    assert after == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_bad_input_unreadable_file(tmp_path, db_path):
    f = tmp_path / "secret.txt"
    f.write_text("texte")
    f.chmod(0)
    proc = run_cli("ingest", str(f), db=db_path)
    assert proc.returncode == EXIT_REJECTED and "permission denied" in proc.stderr


def test_bad_input_broken_symlink(tmp_path, db_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    proc = run_cli("ingest", str(tmp_path / "dangling.txt"), db=db_path)
    assert proc.returncode == EXIT_REJECTED and "dangling.txt" in proc.stderr


def test_bad_input_fixed_file_leaves_the_rejected_list(tmp_path, db_path):
    f = tmp_path / "later.txt"
    f.write_bytes(b"")
    run_cli("ingest", str(f), db=db_path)
    assert len(cli_json("rejected", db=db_path)) == 1
    f.write_text("Le fichier a été corrigé et contient maintenant un article.")
    assert run_cli("ingest", str(f), db=db_path).returncode == 0
    assert cli_json("rejected", db=db_path) == []
