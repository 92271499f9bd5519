"""What copy detection computes from a text: word shingles, a MinHash signature, LSH band
keys, exact overlap, and sentence fingerprints.

Words are lower-cased ``\\w+`` runs, so quote marks, apostrophes ("l’armée" / "l'armée") and
punctuation do not matter. Shingles are runs of three words; a shingle made only of function
words ("il y a", "of the") is skipped, since every text of a language shares those. The
signature is a 64-value MinHash (``rensa``, chosen over ``datasketch`` by measurement:
``bench/copies.py --speed``) read as 32 LSH bands of 2 values: two texts whose shingle sets
have Jaccard similarity 0.2 share a band with probability 0.93, at 0.3 with 0.998.

>>> a = "Le président russe a reçu mardi son homologue nord-coréen au cosmodrome."
>>> b = "(AFP) - Le président russe a reçu mardi son homologue nord-coréen au cosmodrome."
>>> round(overlap(a, b)[1], 2)
1.0
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

NUM_PERM = 64
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 3
SEED = 20230913
# Stored with the index: a change of any constant above makes stored signatures useless,
# and the store rebuilds them (``filrouge enrich``).
INDEX_VERSION = 1

_WORD = re.compile(r"\w+")
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * _M3


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words of every language filrouge knows (one set: copies share a language)."""
    data = tomllib.loads(resources.files("filrouge").joinpath("data/stopwords.toml").read_text("utf-8"))
    return frozenset(w for words in data.values() for w in words.split())


# Words are found and hashed on the UTF-8 bytes with numpy: a word byte is an ASCII letter,
# digit or underscore, or part of a multi-byte character, except the characters of the
# General Punctuation block (E2 80-BF xx: ’ “ ” – — … and thin spaces) and of Latin-1's
# punctuation (C2 xx: « » no-break space © °). A word's hash is a polynomial over its
# bytes, read from prefix sums, then mixed: the same in every process and run.
_WORDBYTE = np.zeros(256, dtype=bool)
_WORDBYTE[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] = True
_WORDBYTE[0x80:] = True
# Width of the non-word character a lead byte starts (0: not such a lead byte).
_LEAD = np.zeros(256, dtype=np.uint8)
_LEAD[0xE2], _LEAD[0xC2] = 3, 2
_P = np.uint64(0x100000001B3)
_PINV = np.uint64(pow(0x100000001B3, -1, 2**64))
_powers: list[np.ndarray] = []


def _pow_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    if not _powers or len(_powers[0]) < n:
        m = max(n, 2 * len(_powers[0]) if _powers else 0, 1 << 16)
        tables = []
        for base in (_P, _PINV):
            t = np.full(m, base, dtype=np.uint64)
            t[0] = 1
            tables.append(np.cumprod(t, dtype=np.uint64))
        _powers[:] = tables
    return _powers[0], _powers[1]


def word_hashes(text: str) -> np.ndarray:
    """Stable 64-bit hashes of the text's lower-cased words, in order."""
    b = np.frombuffer(text.lower().encode("utf-8", "replace"), dtype=np.uint8)
    n = len(b)
    if not n:
        return np.zeros(0, np.uint64)
    w = np.zeros(n + 2, dtype=bool)
    w[1:-1] = _WORDBYTE[b]
    lead = _LEAD[b]
    at = np.flatnonzero(lead)
    if len(at):
        for k in range(3):
            w[np.minimum(at + (1 + k), n)[lead[at] > k]] = False
    edges = np.flatnonzero(w[1:] != w[:-1])
    starts, ends = edges[0::2], edges[1::2]
    pw, ipw = _pow_tables(n + 1)
    prefix = np.zeros(n + 1, np.uint64)
    np.cumsum((b.astype(np.uint64) + np.uint64(1)) * pw[:n], out=prefix[1:])
    h = (prefix[ends] - prefix[starts]) * ipw[starts]
    h ^= h >> np.uint64(29)
    h *= _M1
    h ^= h >> np.uint64(32)
    return h


@lru_cache(maxsize=1)
def _stop_table() -> np.ndarray:
    """Function words as a 65,536-entry bit table on the top 16 bits of their hash: about
    0.6% of other words share a slot and are treated as function words, which only means
    a few more shingles are skipped, the same way everywhere."""
    table = np.zeros(1 << 16, dtype=bool)
    table[word_hashes(" ".join(sorted(stopwords()))) >> np.uint64(48)] = True
    return table


def shingles(text: str) -> np.ndarray:
    """Hashes of the text's word shingles, in text order (a shingle seen twice is there
    twice). A text shorter than a shingle is one shingle; one made only of function
    words keeps all its shingles."""
    h = word_hashes(text)
    stop = _stop_table()[h >> np.uint64(48)]
    n = len(h) - SHINGLE + 1
    if n <= 0:
        if not len(h):
            return h
        acc = int(h[0])
        for x in h[1:].tolist():
            acc = (acc * int(_M1) & 0xFFFFFFFFFFFFFFFF) ^ x
        return np.array([acc], dtype=np.uint64)
    acc = h[:n].copy()
    keep = stop[:n].copy()
    for j in range(1, SHINGLE):
        acc = acc * _M1 ^ h[j:n + j]
        keep &= stop[j:n + j]
    if not keep.all():
        acc = acc[~keep]
    return acc


def signatures(shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
    """MinHash signatures (``len(shingle_sets)`` x ``NUM_PERM``, uint32) of shingle sets."""
    import rensa

    flat = np.concatenate([*shingle_sets, np.zeros(0, np.uint64)]).astype(np.uint64, copy=False)
    offsets = np.zeros(len(shingle_sets) + 1, dtype=np.uint64)
    np.cumsum([len(s) for s in shingle_sets], out=offsets[1:])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, NUM_PERM, SEED)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(shingle_sets), NUM_PERM)


def signature(text: str) -> np.ndarray:
    return signatures([shingles(text)])[0]


def band_keys(sig: np.ndarray) -> list[int]:
    """The signature's LSH keys, one per band, as signed 64-bit integers (SQLite INTEGER)."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    x = _BAND_SALT.copy()
    for j in range(ROWS):
        x = (x ^ rows[:, j]) * _M1
        x ^= x >> np.uint64(31)
        x *= _M2
    x ^= x >> np.uint64(29)
    return x.view(np.int64).tolist()


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def overlap_sets(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment) of two shingle sets; containment is the share of the
    smaller set found in the larger (1.0 for a trimmed copy)."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    a, b = np.unique(a), np.unique(b)
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def overlap(text_a: str, text_b: str) -> tuple[float, float]:
    return overlap_sets(shingles(text_a), shingles(text_b))


def sentence_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def fingerprint(words: Sequence[str]) -> int:
    """A stable signed 64-bit fingerprint of a normalised sentence."""
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def sentence_keys(text: str, sentences: Sequence[tuple[int, int]], min_words: int) -> list[tuple[int, int]]:
    """(fingerprint, sentence index) of each sentence of at least ``min_words`` words."""
    out = []
    for i, (s, e) in enumerate(sentences):
        words = sentence_words(text[s:e])
        if len(words) >= min_words:
            out.append((fingerprint(words), i))
    return out
