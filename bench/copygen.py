"""A labelled set for copy detection, generated from the eval articles.

No public gold set of syndicated news copies exists, so this module makes one the way outlets
make copies of a wire dispatch: a new headline, an agency prefix or suffix, one paragraph
dropped or one added, 2-10% of the words changed (substituted, deleted, inserted), paragraphs
swapped, other quote marks and apostrophes, caption lines added. Every transformation is
drawn from a seeded generator, so a seed gives the same set on every machine.

The originals are the articles of ``../shared/eval/data/{ecbplus,rpm2,ml-crisis-fr}``. They
are not all independent: outlets in those sets reprint the same wire story (ECB+ in
particular), so pairs of originals are labelled too (see ``label_originals``): clear copies,
clearly different texts (the hard negatives: same gold event, little text in common), and an
unlabelled grey zone in between that the figures leave out and report separately.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "data"
SETS = ("ecbplus", "rpm2", "ml-crisis-fr")

_WORD = re.compile(r"\w+")

# Exact word-trigram overlap of two originals: at or above both, the pair is a copy
# (read by hand: every such pair sampled was one wire story reprinted); below both of
# the lower ones it is two different texts; in between it is left unlabelled.
COPY_JACCARD, COPY_CONTAINMENT = 0.5, 0.8
DIFFERENT_JACCARD, DIFFERENT_CONTAINMENT = 0.1, 0.2

MIN_WORDS = 30

_AGENCIES = {
    "fr": [("({a}) - ", ""), ("{city} ({a}) - ", ""), ("", "\n({a})"), ("", "\nAvec {a}"),
           ("{city}, {day} ({a}) - ", "")],
    "en": [("({a}) - ", ""), ("{city} ({a}) - ", ""), ("", "\n({a})"), ("", "\nWith {a} reporting"),
           ("{city}, {day} ({a}) - ", "")],
}
_AGENCY_NAMES = ["AFP", "Reuters", "AP", "Belga", "ATS", "DPA"]
_CITIES = ["Paris", "Bruxelles", "Genève", "Washington", "Londres", "Moscou", "Le Caire", "Berlin"]
_DAYS = {"fr": ["12 mars", "3 juin", "28 oct", "9 janv"], "en": ["March 12", "June 3", "Oct 28", "Jan 9"]}
_CAPTIONS = {
    "fr": ["Photo : {a} / archives", "Photo d'illustration. {a}", "Crédit photo : {a}",
           "Le lieu de l'événement, photographié mardi. (Photo {a})", "© {a} - Tous droits réservés"],
    "en": ["Photo: {a} / File", "File photo. {a}", "Photo credit: {a}",
           "The scene on Tuesday. ({a} photo)", "© {a}. All rights reserved"],
}
_HEADLINE_PREFIX = {"fr": ["EN DIRECT - ", "INFO - ", "VIDÉO. ", "", ""], "en": ["BREAKING: ", "UPDATE: ", "", ""]}


@dataclass
class Gold:
    """Articles to ingest (JSON records, originals first then copies) and the pair labels."""

    records: list[dict] = field(default_factory=list)
    groups: list[set[str]] = field(default_factory=list)   # gold copy groups (size >= 2)
    unlabelled: set[frozenset[str]] = field(default_factory=set)   # grey pairs, left out
    hard_negatives: set[frozenset[str]] = field(default_factory=set)   # same event, not copies
    transforms: dict[str, list[str]] = field(default_factory=dict)   # copy id -> what was done

    def copy_pairs(self) -> set[frozenset[str]]:
        out: set[frozenset[str]] = set()
        for g in self.groups:
            members = sorted(g)
            out |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
        return out


def load_originals(sets: Iterable[str] = SETS) -> list[dict]:
    out = []
    for name in sets:
        gold = {}
        gpath = EVAL / name / "gold.jsonl"
        if gpath.exists():
            for line in gpath.read_text(encoding="utf-8").splitlines():
                g = json.loads(line)
                gold[g["id"]] = g
        for line in (EVAL / name / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            a = json.loads(line)
            a["id"] = f"{name}:{a['id']}"
            a["event"] = gold.get(a["id"].split(":", 1)[1], {}).get("event")
            a["set"] = name
            out.append(a)
    return out


def _trigrams(text: str) -> set[str]:
    w = _WORD.findall(text.lower())
    return {" ".join(w[i:i + 3]) for i in range(max(1, len(w) - 2))}


def label_originals(originals: list[dict]) -> tuple[list[tuple[str, str]], set[frozenset[str]],
                                                      set[frozenset[str]]]:
    """Pairs of originals: (clear copies, unlabelled grey pairs, hard negatives)."""
    shingles = [_trigrams(a["text"]) for a in originals]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(shingles):
        for x in s:
            postings[x].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if len(ids) > 50:   # phrases every text has; they cannot make a copy on their own
            continue
        for k, a in enumerate(ids):
            for b in ids[k + 1:]:
                shared[(a, b)] += 1
    copies, grey = [], set()
    for (a, b), n in shared.items():
        j = n / len(shingles[a] | shingles[b])
        c = n / min(len(shingles[a]), len(shingles[b]))
        pair = (originals[a]["id"], originals[b]["id"])
        if j >= COPY_JACCARD and c >= COPY_CONTAINMENT:
            copies.append(pair)
        elif j >= DIFFERENT_JACCARD or c >= DIFFERENT_CONTAINMENT:
            grey.add(frozenset(pair))
    by_event: dict[str, list[str]] = defaultdict(list)
    for a in originals:
        if a["event"]:
            by_event[a["event"]].append(a["id"])
    copy_set = {frozenset(p) for p in copies}
    hard = set()
    for ids in by_event.values():
        for k, a in enumerate(ids):
            for b in ids[k + 1:]:
                p = frozenset((a, b))
                if p not in copy_set and p not in grey:
                    hard.add(p)
    return copies, grey, hard


class UnionFind:
    """Disjoint sets of ids: ``union`` two, ``groups()`` maps each root to its members."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        while self.parent.setdefault(x, x) != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for x in list(self.parent):
            out[self.find(x)].add(x)
        return out


def make_copy(article: dict, rng: random.Random, pool: list[dict], vocab: list[str]) -> tuple[dict, list[str]]:
    """One outlet's version of ``article``, and the list of what was done to it."""
    lang = "fr" if article.get("language") == "fr" else "en"
    done: list[str] = []
    paragraphs = [p for p in article["text"].split("\n") if p.strip()]
    # Paragraph-level edits first: drop one, or add one from another article.
    r = rng.random()
    if r < 0.4 and len(paragraphs) >= 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
        done.append("paragraph dropped")
    elif r < 0.7:
        other = rng.choice(pool)
        extra = [p for p in other["text"].split("\n") if len(p.split()) >= 8] or [other["text"]]
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(extra))
        done.append("paragraph added")
    if len(paragraphs) >= 3 and rng.random() < 0.3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
        done.append("paragraphs swapped")
    # Word edits: 2-10% of the words substituted, deleted or inserted.
    rate = rng.uniform(0.02, 0.10)
    edited = []
    for p in paragraphs:
        words = p.split(" ")
        out = []
        for w in words:
            x = rng.random()
            if x >= rate:
                out.append(w)
            elif x < rate * 0.5:
                out.append(rng.choice(vocab))
            elif x < rate * 0.75:
                continue
            else:
                out += [w, rng.choice(vocab)]
        edited.append(" ".join(out))
    paragraphs = edited
    done.append(f"{rate:.0%} words changed")
    text = "\n".join(paragraphs)
    if rng.random() < 0.5:
        if lang == "fr":
            text = re.sub(r'"([^"\n]{1,400})"', r"« \1 »", text)
        else:
            text = re.sub(r'"([^"\n]{1,400})"', "\u201c\\1\u201d", text)
        text = text.replace("'", "\u2019")
        done.append("quote marks")
    agency = rng.choice(_AGENCY_NAMES)
    if rng.random() < 0.6:
        pre, post = rng.choice(_AGENCIES[lang])
        fill = {"a": agency, "city": rng.choice(_CITIES), "day": rng.choice(_DAYS[lang])}
        text = pre.format(**fill) + text + post.format(**fill)
        done.append("agency marker")
    if rng.random() < 0.4:
        lines = text.split("\n")
        for _ in range(rng.randint(1, 2)):
            lines.insert(rng.randrange(0, len(lines) + 1), rng.choice(_CAPTIONS[lang]).format(a=agency))
        text = "\n".join(lines)
        done.append("captions")
    title = article.get("title") or paragraphs[0][:80]
    words = title.split()
    if len(words) > 4 and rng.random() < 0.5:
        cut = rng.randint(3, len(words) - 1)
        title = " ".join(words[cut:] + words[:cut])
    title = rng.choice(_HEADLINE_PREFIX[lang]) + title + rng.choice(["", " - " + agency, " | Actualités"])
    done.append("new headline")
    record = {"title": title, "text": text, "language": article.get("language")}
    if article.get("published"):
        record["published"] = article["published"]
    return record, done


def build(seed: int, half: int | None = None, sets: Iterable[str] = SETS) -> Gold:
    """The labelled set for ``seed``. ``half`` (0 or 1) keeps only the originals of one half
    (split by a hash of the id), so settings chosen on one half are checked on the other."""
    # Some ECB+ entries are a headline with no text: not articles to copy or compare.
    originals = [a for a in load_originals(sets) if len(a["text"].split()) >= MIN_WORDS]
    if half is not None:
        originals = [a for a in originals if _half(a["id"]) == half]
    rng = random.Random(seed)
    vocab_by_lang: dict[str, list[str]] = defaultdict(list)
    for a in originals:
        vocab_by_lang[a.get("language") or "en"] += a["text"].split()[:200]
    copies, grey, hard = label_originals(originals)
    gold = Gold(unlabelled=grey, hard_negatives=hard)
    sets_ = UnionFind()
    find = sets_.find
    for a, b in copies:
        sets_.union(a, b)
    for a in originals:
        gold.records.append({k: a[k] for k in ("id", "title", "text", "language", "published", "url") if k in a})
    for a in originals:
        n = rng.choices([0, 1, 2, 3], weights=[40, 35, 15, 10])[0]
        for k in range(n):
            rec, done = make_copy(a, rng, originals, vocab_by_lang[a.get("language") or "en"])
            rec["id"] = f"{a['id']}~copy{k + 1}"
            gold.records.append(rec)
            gold.transforms[rec["id"]] = done
            sets_.union(rec["id"], a["id"])
    for a in originals:
        find(a["id"])
    members = sets_.groups()
    gold.groups = [g for g in members.values() if len(g) >= 2]
    # Labels of original pairs carry over to their groups (copies included): two groups
    # with a grey pair between them are unlabelled as a whole, since grouping is
    # transitive; pairs of groups whose originals share a gold event are hard negatives.
    grey_groups = {frozenset((find(a), find(b))) for a, b in map(tuple, grey)}
    hard_groups = {frozenset((find(a), find(b))) for a, b in map(tuple, hard)} - grey_groups
    gold.unlabelled, gold.hard_negatives = set(), set()
    for pair in grey_groups | hard_groups:
        if len(pair) < 2:
            continue
        x, y = tuple(pair)
        target = gold.unlabelled if pair in grey_groups else gold.hard_negatives
        target |= {frozenset((a, b)) for a in members[x] for b in members[y]}
    return gold


def _half(article_id: str) -> int:
    import zlib

    return zlib.crc32(article_id.encode("utf-8")) % 2
