"""Shared fixtures. Tests read ../shared at run time and skip with a reason when it is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import filrouge

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FILROUGE_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "corpus" / "seeds"
EVAL = SHARED / "eval" / "data"
SAMPLE = REPO / "sample" / "corpus"
# A German and a Spanish report of the sample's storm Ysée (17 October 2024), written for the
# tests: the sample itself is French and English.
STORM_DE_ES = (
    {"id": "de_ysee", "language": "de", "published": "2024-10-17",
     "title": "Sturm Ysée: Tausende Menschen im Süden Frankreichs evakuiert",
     "text": "Nach heftigen Regenfällen durch den Sturm Ysée haben die Behörden in den Departements Gard und "
             "Hérault mehr als 3000 Menschen in Sicherheit gebracht. Der Fluss Vidourle trat in Sommières "
             "über die Ufer, Feuerwehrleute holten Bewohner mit Hubschraubern von den Dächern. Météo-France "
             "hatte für beide Departements die höchste Warnstufe Rot ausgerufen."},
    {"id": "es_ysee", "language": "es", "published": "2024-10-17",
     "title": "La tormenta Ysée obliga a evacuar a miles de personas en el sur de Francia",
     "text": "Las autoridades francesas evacuaron a más de 3.000 personas en los departamentos de Gard y "
             "Hérault tras las lluvias torrenciales de la tormenta Ysée. El río Vidourle se desbordó en "
             "Sommières y los bomberos rescataron en helicóptero a vecinos atrapados en los tejados. "
             "Météo-France había declarado la alerta roja en ambos departamentos."},
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS} (set FILROUGE_SHARED to the shared folder)")
    return SEEDS


@pytest.fixture
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.skip(f"the eval datasets are not at {EVAL} (set FILROUGE_SHARED to the shared folder)")
    return EVAL


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample corpus ingested once for the whole run: read it, or copy it to write."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with filrouge.open(path) as fr:
        fr.ingest([SAMPLE])
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def fr(db_path: Path):
    with filrouge.open(db_path) as f:
        yield f


def run_cli(*args: str, db: Path | None = None, check: bool = False, **kw) -> subprocess.CompletedProcess:
    """Run the real ``filrouge`` command in a subprocess."""
    cmd = [sys.executable, "-m", "filrouge.cli"]
    if db is not None:
        cmd += ["--db", str(db)]
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"filrouge {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def cli_json(*args: str, db: Path) -> object:
    return json.loads(run_cli(*args, "--json", db=db, check=True).stdout)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def make_articles(n: int, prefix: str = "a", words: int = 120) -> list[dict]:
    """Generated articles (varied vocabulary, so none is a repeat of another)."""
    import random

    rng = random.Random(f"{n}/{prefix}/{words}")
    vocab = ("ministre gouvernement accord sommet visite délégation Moscou Pyongyang Paris crue "
             "tempête banque taux inflation étape coureur victoire annonce réunion frontière armée "
             "missile satellite commerce énergie gaz pétrole élection vote président député").split()
    out = []
    for i in range(n):
        sentences = []
        for _ in range(max(1, words // 12)):
            ws = [rng.choice(vocab) for _ in range(11)]
            sentences.append(f"{ws[0].capitalize()} {' '.join(ws[1:])} {prefix}{i}.")
        text = "\n".join(" ".join(sentences[j:j + 3]) for j in range(0, len(sentences), 3))
        out.append({"id": f"{prefix}{i}", "title": f"Article {prefix}{i}", "text": text,
                    "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "language": "fr"})
    return out
