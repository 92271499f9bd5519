"""One settings object: packaged defaults, then a user TOML file, then explicit overrides.

>>> s = Settings.load(overrides={"ingest": {"max_file_mb": 5}})
>>> s.ingest.max_file_mb
5.0
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .stories.cluster import SIGNALS, ClusterSettings, Level, Pairs
from .tell import TellSettings

SPLITTERS = ("rules", "spacy")


@dataclass(frozen=True)
class StoreSettings:
    path: str = "filrouge.db"
    busy_timeout: float = 60.0


@dataclass(frozen=True)
class IngestSettings:
    max_file_mb: float = 20.0
    workers: int = 0
    parallel_min_mb: float = 1.0
    batch_size: int = 200
    skip_extensions: tuple[str, ...] = ()

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class LanguageSettings:
    supported: tuple[str, ...] = ("fr", "en", "de", "es")


@dataclass(frozen=True)
class CleanSettings:
    sentence_splitter: str = "rules"
    repeat_min_words: int = 8
    repeat_similarity: float = 0.8
    title_max_words: int = 30


@dataclass(frozen=True)
class CopySettings:
    candidate_similarity: float = 0.1
    min_jaccard: float = 0.2
    min_containment: float = 0.4
    passage_min_words: int = 8
    passage_max_articles: int = 50


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    language: LanguageSettings = field(default_factory=LanguageSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: ClusterSettings = field(default_factory=ClusterSettings)
    tell: TellSettings = field(default_factory=TellSettings)

    @classmethod
    def load(
        cls, user_file: str | os.PathLike[str] | None = None, overrides: dict[str, Any] | None = None
    ) -> Settings:
        """Packaged defaults, then ``user_file`` (or ``$FILROUGE_CONFIG``), then ``overrides``."""
        data = tomllib.loads(resources.files("filrouge").joinpath("data/default.toml").read_text())
        user_file = user_file or os.environ.get("FILROUGE_CONFIG")
        if user_file:
            p = Path(user_file)
            try:
                user = tomllib.loads(p.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise SettingsError(f"settings file {p} does not exist") from None
            except tomllib.TOMLDecodeError as e:
                raise SettingsError(f"settings file {p} is not valid TOML: {e}") from None
            _merge(data, user, str(p))
        if overrides:
            _merge(data, overrides, "overrides")
        return cls._from_data(data)

    @classmethod
    def _from_data(cls, data: dict[str, Any]) -> Settings:
        st = data["store"]
        ing = data["ingest"]
        lang = data["language"]
        cl = data["clean"]
        cp = data["copies"]
        _check(ing["max_file_mb"] > 0, "ingest.max_file_mb must be a positive number of MB")
        _check(ing["workers"] >= 0, "ingest.workers must be 0 (one per core) or more")
        _check(ing["batch_size"] >= 1, "ingest.batch_size must be at least 1")
        _check(st["busy_timeout"] >= 0, "store.busy_timeout must be 0 or more seconds")
        _check(
            cl["sentence_splitter"] in SPLITTERS,
            f"clean.sentence_splitter must be one of {', '.join(SPLITTERS)}",
        )
        _check(0 < cl["repeat_similarity"] <= 1, "clean.repeat_similarity must be in (0, 1]")
        for key in ("candidate_similarity", "min_jaccard", "min_containment"):
            _check(0 <= cp[key] <= 1, f"copies.{key} must be between 0 and 1")
        _check(cp["passage_min_words"] >= 3, "copies.passage_min_words must be at least 3")
        _check(cp["passage_max_articles"] >= 2, "copies.passage_max_articles must be at least 2")
        _check(bool(lang["supported"]), "language.supported must name at least one language")
        stories = _stories(data["stories"])
        return cls(
            store=StoreSettings(path=str(st["path"]), busy_timeout=float(st["busy_timeout"])),
            ingest=IngestSettings(
                max_file_mb=float(ing["max_file_mb"]),
                workers=int(ing["workers"]),
                parallel_min_mb=float(ing["parallel_min_mb"]),
                batch_size=int(ing["batch_size"]),
                skip_extensions=tuple(x.lower() for x in ing["skip_extensions"]),
            ),
            language=LanguageSettings(supported=tuple(lang["supported"])),
            clean=CleanSettings(
                sentence_splitter=cl["sentence_splitter"],
                repeat_min_words=int(cl["repeat_min_words"]),
                repeat_similarity=float(cl["repeat_similarity"]),
                title_max_words=int(cl["title_max_words"]),
            ),
            copies=CopySettings(
                candidate_similarity=float(cp["candidate_similarity"]),
                min_jaccard=float(cp["min_jaccard"]),
                min_containment=float(cp["min_containment"]),
                passage_min_words=int(cp["passage_min_words"]),
                passage_max_articles=int(cp["passage_max_articles"]),
            ),
            stories=stories,
            tell=_tell(data["tell"]),
        )


def _stories(st: dict[str, Any]) -> ClusterSettings:
    levels = {}
    for name in ("event", "story"):
        lv = st[name]
        _check(lv["merge"] >= lv["threshold"], f"stories.{name}.merge must be at least stories.{name}.threshold")
        _check(lv["horizon"] > 0, f"stories.{name}.horizon must be more than 0 days")
        _check(lv["max_apart"] >= 0, f"stories.{name}.max_apart must be 0 or more days")
        _check(0.0 <= lv["link"] <= 1.0, f"stories.{name}.link must be between 0 and 1")
        _check(0.0 <= lv.get("tight", 0.0) <= 1.0, f"stories.{name}.tight must be between 0 and 1")
        _check(lv.get("fragment", 0) >= 0, f"stories.{name}.fragment must be 0 or more articles")
        _check(0.0 <= lv.get("absorb", 1.0) <= 1.0, f"stories.{name}.absorb must be between 0 and 1")
        pairs, across = (None if lv.get(k) is None else Pairs(**{n: float(v) for n, v in lv[k].items()})
                         for k in ("pairs", "across"))   # their keys are checked against the defaults'
        levels[name] = Level(**{k: float(lv[k]) for k in ("bias", *SIGNALS, "horizon", "threshold", "merge",
                                                              "max_apart", "link")},
                             tight=float(lv.get("tight", 0.0)), fragment=int(lv.get("fragment", 0)),
                             absorb=float(lv.get("absorb", 1.0)), pairs=pairs, across=across)
    for key in ("candidates", "lead_words", "terms_words", "event_terms", "window_days",
                "story_window_days", "max_active"):
        _check(st[key] >= 1, f"stories.{key} must be at least 1")
    _check(st["consolidate_max"] >= 0, "stories.consolidate_max must be 0 or more")
    return ClusterSettings(
        event=levels["event"], story=levels["story"], candidates=int(st["candidates"]),

        event_terms=int(st["event_terms"]), window_days=int(st["window_days"]),
        story_window_days=int(st["story_window_days"]), max_active=int(st["max_active"]),
        terms_words=int(st["terms_words"]), lead_words=int(st["lead_words"]),
        consolidate_max=int(st["consolidate_max"]))


def _tell(t: dict[str, Any]) -> TellSettings:
    kinds = {f.name: f.type for f in fields(TellSettings)}
    for k in ("min_words", "max_words", "lead_sentences", "min_sources", "max_dates", "min_dates", "max_sentences",
              "publication_lead"):
        _check(t[k] >= 1, f"tell.{k} must be at least 1")
    _check(t["max_words"] >= t["min_words"], "tell.max_words must be at least tell.min_words")
    for k in ("redundancy", "agreement", "concept_share", "foreign"):
        _check(0 < t[k] <= 1, f"tell.{k} must be in (0, 1]")
    return TellSettings(**{k: (int(v) if kinds[k] == "int" else float(v)) for k, v in t.items()})


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise SettingsError(message)


def _merge(base: dict[str, Any], new: dict[str, Any], origin: str) -> None:
    """Deep-merge ``new`` into ``base``, refusing keys the defaults do not know."""
    for key, value in new.items():
        if key not in base:
            known = ", ".join(sorted(base))
            raise SettingsError(f"unknown setting '{key}' in {origin} (known: {known})")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise SettingsError(f"setting '{key}' in {origin} must be a table")
            _merge(base[key], value, origin)
        else:
            old = base[key]
            numeric = (int, float)
            same_kind = (
                isinstance(value, numeric) and isinstance(old, numeric)
                and not isinstance(value, bool) and not isinstance(old, bool)
            ) or isinstance(value, type(old))
            if not same_kind:
                raise SettingsError(
                    f"setting '{key}' in {origin} must be a {type(old).__name__}, got {value!r}"
                )
            base[key] = value
