"""Bit masks and small lookup tables that let numpy handle sets and per-pair formulas."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

if hasattr(np, "bitwise_count"):  # numpy >= 2.0

    def popcount(a: np.ndarray) -> np.ndarray:
        return np.bitwise_count(a).astype(np.int64)

else:  # pragma: no cover - numpy 1.26
    _BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)

    def popcount(a: np.ndarray) -> np.ndarray:
        b = np.ascontiguousarray(a, dtype=np.uint64)
        return _BYTE_BITS[b.view(np.uint8)].reshape(*b.shape, 8).sum(axis=-1)


def _bits(items: Iterable[int], n_words: int) -> list[int]:
    """Set bits as uint64 words (a Python int per word, to fill an array row)."""
    out = [0] * n_words
    for i in items:
        out[i >> 6] |= 1 << (i & 63)
    return out


def mask_array(rows: list[Iterable[int]], n_words: int) -> np.ndarray:
    """One row of n_words uint64 per item list, with the listed bits set."""
    arr = np.zeros((len(rows), n_words), dtype=np.uint64)
    for r, items in enumerate(rows):
        for w, value in enumerate(_bits(items, n_words)):
            if value:
                arr[r, w] = value
    return arr


def any_shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For masks a (r, W) and b (c, W): whether row i of a and row j of b share a bit."""
    out = (a[:, 0, None] & b[None, :, 0]) != 0
    for w in range(1, a.shape[1]):
        out |= (a[:, w, None] & b[None, :, w]) != 0
    return out


@dataclass(frozen=True, slots=True)
class PairTable:
    """A value per (newcomer kind, volunteer kind): one lookup per pair instead of a formula."""

    n_kind: np.ndarray  # row offsets into the flat table: kind * number of volunteer kinds
    v_kind: np.ndarray
    table: np.ndarray  # flat

    def __call__(self, n: np.ndarray, v: np.ndarray) -> np.ndarray:
        # One flat take is several times faster than indexing a 2-D table with two arrays.
        return self.table.take(self.n_kind.take(n) + self.v_kind.take(v))


def pair_table(
    n_features: np.ndarray,
    v_features: np.ndarray,
    fill: Callable[[np.ndarray, np.ndarray], np.ndarray],
    max_cells: int = 1 << 24,
) -> PairTable | None:
    """Group rows with equal features into kinds and fill kinds × kinds with `fill`.

    `fill(a, b)` gets the distinct feature rows of each side and returns the table. None
    when there are too many kinds for a table of max_cells.
    """
    n_rows, n_kind = np.unique(n_features.reshape(len(n_features), -1), axis=0, return_inverse=True)
    v_rows, v_kind = np.unique(v_features.reshape(len(v_features), -1), axis=0, return_inverse=True)
    if len(n_rows) * len(v_rows) > max_cells:
        return None
    table = np.ascontiguousarray(fill(n_rows, v_rows))
    stride = table.shape[1]
    return PairTable(
        (n_kind.ravel() * stride).astype(np.int32), v_kind.ravel().astype(np.int32), table.ravel()
    )
