"""The CLI end to end: help everywhere, INTERFACE.md shapes, settings, the sample corpus."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from filrouge.cli import cli
from filrouge.errors import SettingsError
from filrouge.settings import Settings

from .conftest import REPO, SAMPLE, cli_json, run_cli


def test_cli_every_command_has_help():
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    proc = run_cli("ingest", str(SAMPLE), db=db)
    assert proc.returncode == 0, proc.stderr
    return db


def test_cli_json_shapes_follow_interface(sample_db):
    arts = cli_json("articles", db=sample_db)
    assert arts
    for a in arts:
        assert {"id", "title", "language", "source", "url", "published", "text"} <= set(a)
        assert isinstance(a["id"], str) and isinstance(a["title"], str) and isinstance(a["text"], str)
        if a["published"] is not None:
            assert set(a["published"]) >= {"value", "granularity", "source"}
    one = cli_json("show", arts[0]["id"], db=sample_db)
    assert {"raw", "removed", "dates", "entities", "copy_group"} <= set(one)
    assert all(set(r) == {"text", "reason"} for r in one["removed"])
    assert cli_json("rejected", db=sample_db) == []


def test_cli_sample_corpus_matches_its_manifest(sample_db):
    manifest = json.loads((REPO / "sample" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    arts = cli_json("articles", db=sample_db)
    by_id = {a["id"]: a for a in arts} | {a["url"]: a for a in arts if a["url"]}
    assert len(arts) == len(manifest)
    for entry in manifest:
        art = by_id[entry["id"]]
        assert art["language"] == entry["language"], entry["id"]
        expected = entry["published"]
        if expected is None and entry.get("published_inferred"):
            # undated: the date comes from the text, marked as inferred
            assert art["published"]["inferred"] is True, entry["id"]
            expected = {"value": entry["published_inferred"]}
        assert (art["published"] or {}).get("value") == (expected or {}).get("value"), entry["id"]
        if entry["title"]:
            assert art["title"] == entry["title"], entry["id"]
        for junk in entry["boilerplate"]:
            assert junk.strip() not in art["text"], (entry["id"], junk)
        if entry["repeated_paragraph"]:
            assert art["text"].count(entry["repeated_paragraph"].strip()) == 1


def test_cli_db_from_environment(tmp_path):
    db = tmp_path / "env.db"
    f = tmp_path / "x.txt"
    f.write_text("Un article pour vérifier la variable FILROUGE_DB.")
    import os
    import subprocess
    import sys

    env = dict(os.environ, FILROUGE_DB=str(db))
    subprocess.run([sys.executable, "-m", "filrouge.cli", "ingest", str(f)], env=env, check=True,
                   capture_output=True)
    assert db.exists()


def test_cli_unknown_id_is_a_clear_error(sample_db):
    proc = run_cli("show", "no-such-article", db=sample_db)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "filrouge: error: no article with id 'no-such-article'"


def test_cli_ingest_is_quiet_when_piped(sample_db):
    proc = run_cli("ingest", str(SAMPLE), db=sample_db)
    assert proc.stderr == "" and proc.stdout.count("\n") == 1  # no progress bar, one summary line


def test_settings_bad_values_rejected_with_a_message(tmp_path):
    with pytest.raises(SettingsError, match="max_file_mb"):
        Settings.load(overrides={"ingest": {"max_file_mb": -1}})
    with pytest.raises(SettingsError, match="unknown setting 'nope'"):
        Settings.load(overrides={"ingest": {"nope": 1}})
    with pytest.raises(SettingsError, match="sentence_splitter"):
        Settings.load(overrides={"clean": {"sentence_splitter": "magic"}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[ingest\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Settings.load(bad)
    proc = run_cli("--config", str(bad), "articles", db=tmp_path / "x.db")
    assert proc.returncode == 1 and "not valid TOML" in proc.stderr
