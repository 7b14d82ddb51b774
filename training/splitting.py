"""Patient-level split of the assembly stage, and its bookkeeping in a few bytes per entry.

Pass 1 of ``training.assemble`` keeps each patient id once and each (patient, code) pair of a
note as two 32-bit integers (``PatientCodes``), instead of a set of code strings per patient.
The split runs iterative multi-label stratification (Sechidis et al., 2011) on the sparse
patients x codes matrix built from those pairs, not on a dense one (one byte a cell: 100k
patients x 10k codes would be 1 GB, and ``iterstrat`` copies it for every code it places).
The result, ``PatientSplits``, finds a patient's split through a sorted array of 64-bit digests
of the ids and one byte per patient: the ids themselves are dropped before pass 2.

Pass 2 checks across batches (each note once, each patient in one split) with ``DigestIndex``:
9 bytes per note or patient once merged, against about 100 bytes for a Python set or dict entry
holding a pseudonym string.

The split is the one ``iterstrat.ml_stratifiers.IterativeStratification`` gives on the dense
matrix: patients in id order, codes in code order, the same draws from
``numpy.random.RandomState(seed)`` to break ties and the same floating-point counts.
"""

from __future__ import annotations

import hashlib
import logging
from array import array
from collections.abc import Iterable
from itertools import count

import numpy as np

logger = logging.getLogger(__name__)

# Entries a DigestIndex holds in a dict before merging them into its sorted arrays: bounds the
# Python objects (about 100 bytes each, 1.6 MB in all) while keeping the O(n) merges rare.
_BUFFER = 2**14


def digest64(value: str, salt: int = 0) -> int:
    """64-bit BLAKE2b digest of ``value`` under ``salt``, as an unsigned integer.

    Two of n distinct values share a digest with probability about n**2 / 2**65 (3e-8 for a
    million), the order of the 64-bit HMACs inside the pseudonyms themselves.
    """
    data = value.encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(data, digest_size=8, salt=salt.to_bytes(8, "little"))
    return int.from_bytes(digest.digest(), "little")


def _ranks(index: dict[str, int], ordered: list[str]) -> np.ndarray:
    """``ranks[index[key]]`` is the position of ``key`` in ``ordered``."""
    ranks = np.empty(len(ordered), np.int64)
    positions = np.fromiter((index[key] for key in ordered), np.int64, len(ordered))
    ranks[positions] = np.arange(len(ordered))
    return ranks


class PatientCodes:
    """Pass 1: the codes of each patient, as integer pairs rather than Python sets.

    Each patient id and each distinct code is held once; a note adds one (patient, code) pair
    of 32-bit integers per code (8 bytes). Patients whose notes have no code are kept too.
    """

    def __init__(self) -> None:
        self._patient2row: dict[str, int] = {}
        self._code2column: dict[str, int] = {}
        self._rows = array("i")
        self._columns = array("i")

    def __len__(self) -> int:
        return len(self._patient2row)

    def add(self, patient_id: str, codes: Iterable[str]) -> None:
        """Add one note of ``patient_id`` with its codes (the patient is added even with none)."""
        row = self._patient2row.setdefault(patient_id, len(self._patient2row))
        for code in codes:
            self._rows.append(row)
            self._columns.append(self._code2column.setdefault(code, len(self._code2column)))

    def matrix(self) -> tuple[list[str], int, np.ndarray, np.ndarray]:
        """Patients in id order and their distinct codes as a CSR matrix.

        Returns:
            ``(patient_ids, n_codes, indptr, indices)``: patient ``patient_ids[i]`` has the code
            columns ``indices[indptr[i]:indptr[i + 1]]``, ascending; columns follow the sorted
            codes, as in the dense matrix the split has always been computed on.
        """
        patient_ids = sorted(self._patient2row)
        rows = _ranks(self._patient2row, patient_ids)[np.frombuffer(self._rows, np.intc)]
        codes = sorted(self._code2column)
        columns = _ranks(self._code2column, codes)[np.frombuffer(self._columns, np.intc)]
        width = max(len(codes), 1)
        cells = np.unique(rows * width + columns)  # sorted by (row, column), repeats dropped
        rows, indices = np.divmod(cells, width)
        indptr = np.zeros(len(patient_ids) + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=len(patient_ids)), out=indptr[1:])
        return patient_ids, len(codes), indptr, indices


def _by_code(indptr: np.ndarray, indices: np.ndarray, n_codes: int) -> tuple[np.ndarray, ...]:
    """The CSR matrix transposed: patients of code ``j`` are ``rows[starts[j]:starts[j + 1]]``."""
    order = np.argsort(indices, kind="stable")  # stable: each code's patients stay ascending
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))[order]
    starts = np.zeros(n_codes + 1, np.int64)
    np.cumsum(np.bincount(indices, minlength=n_codes), out=starts[1:])
    return starts, rows


def _pick(candidates: np.ndarray, random_state: np.random.RandomState) -> int:
    """The only candidate, or one drawn at random (one draw, as ``iterstrat`` makes it)."""
    if len(candidates) == 1:
        return int(candidates[0])
    return int(candidates[random_state.choice(len(candidates))])


def _fold_for(wanted_code: np.ndarray, wanted: np.ndarray, rs: np.random.RandomState) -> int:
    """The fold that most wants this code; ties go to the fold that most wants samples."""
    best = np.flatnonzero(wanted_code == wanted_code.max())
    if len(best) == 1:
        return int(best[0])
    return _pick(best[np.flatnonzero(wanted[best] == wanted[best].max())], rs)


def iterative_stratification(
    indptr: np.ndarray,
    indices: np.ndarray,
    n_codes: int,
    shares: np.ndarray,
    random_state: np.random.RandomState,
) -> np.ndarray:
    """Fold of each sample by iterative multi-label stratification, on a CSR label matrix.

    The code with the fewest unplaced samples comes first; each of its samples goes to the fold
    that most lacks that code (then the one that most lacks samples, then a random one). Samples
    without codes fill the folds that lack samples most. Memory: a few arrays over the samples
    and the nonzero cells, and a folds x codes array of wanted counts.

    Args:
        indptr: CSR row pointers, one row per sample (length samples + 1).
        indices: CSR column indices, distinct and ascending within a row.
        n_codes: Number of columns.
        shares: Wanted share of samples per fold.
        random_state: Source of the tie-breaking draws.

    Returns:
        Fold index per sample, equal to ``IterativeStratification`` on the dense matrix.
    """
    n_samples = len(indptr) - 1
    folds = np.zeros(n_samples, dtype=int)
    per_code = np.bincount(indices, minlength=n_codes)
    wanted = shares * n_samples  # samples each fold still wants
    wanted_codes = np.outer(shares, per_code)  # (folds, codes): samples of each code still wanted
    left = per_code.copy()  # unplaced samples per code
    pending = np.ones(n_samples, dtype=bool)
    starts, rows = _by_code(indptr, indices, n_codes)
    n_pending = n_samples
    while n_pending:
        if not left.any():
            for sample in np.flatnonzero(pending):  # only samples without codes are left
                fold = _pick(np.flatnonzero(wanted == wanted.max()), random_state)
                folds[sample] = fold
                wanted[fold] -= 1
            break
        code = _pick(np.flatnonzero(left == left[left > 0].min()), random_state)
        samples = rows[starts[code] : starts[code + 1]]
        for sample in samples[pending[samples]]:
            fold = _fold_for(wanted_codes[:, code], wanted, random_state)
            codes = indices[indptr[sample] : indptr[sample + 1]]
            folds[sample] = fold
            pending[sample] = False
            n_pending -= 1
            wanted_codes[fold, codes] -= 1
            wanted[fold] -= 1
            left[codes] -= 1
    return folds


def _fill_empty_splits(folds: np.ndarray, n_codes: np.ndarray, names: list[str]) -> None:
    """Move one patient (fewest codes, then lowest id) from the fullest split to each empty one."""
    if len(folds) < len(names):
        return
    for fold, name in enumerate(names):
        members = np.bincount(folds, minlength=len(names))
        if members[fold]:
            continue
        donor = int(np.argmax(members))  # the first of the fullest, in split order
        candidates = np.flatnonzero(folds == donor)  # rows are in patient id order
        folds[candidates[np.argmin(n_codes[candidates])]] = fold
        logger.info("split %s was empty: moved one patient from %s", name, names[donor])


def stratified_split(
    patients: PatientCodes, fractions: dict[str, float], seed: int
) -> tuple[list[str], list[str], np.ndarray]:
    """Split patients by iterative multi-label stratification over their codes.

    Args:
        patients: Codes per patient from pass 1.
        fractions: Split name to share of patients; splits with share 0 get nobody.
        seed: Seed of the tie-breaking draws.

    Returns:
        ``(names, patient_ids, folds)``: the splits with a positive share, the patients in id
        order and, per patient, the index of their split in ``names``.
    """
    names = [name for name, share in fractions.items() if share > 0]
    patient_ids, n_codes, indptr, indices = patients.matrix()
    shares = np.array([fractions[name] for name in names], dtype=float)
    folds = iterative_stratification(indptr, indices, n_codes, shares, np.random.RandomState(seed))
    _fill_empty_splits(folds, np.diff(indptr), names)
    return names, patient_ids, folds


class PatientSplits:
    """Split of each patient of pass 1, looked up by source patient id.

    Holds a sorted array of 64-bit digests of the ids and one byte per patient (9 bytes each);
    the digest salt is the first under which no two ids of pass 1 share a digest, so every id
    of pass 1 finds its own split.

    Args:
        patient_ids: The patients of pass 1.
        folds: Per patient, the index of their split in ``names``.
        names: Split names.
    """

    def __init__(self, patient_ids: list[str], folds: np.ndarray, names: list[str]) -> None:
        self.names = list(names)
        for salt in count():  # a second salt is needed about once in 10**8 runs of 1M patients
            digests = np.fromiter(
                (digest64(p, salt) for p in patient_ids), np.uint64, len(patient_ids)
            )
            order = np.argsort(digests)
            digests = digests[order]
            if not np.any(digests[1:] == digests[:-1]):
                break
        self._salt = salt
        self._digests = digests
        self._folds = np.asarray(folds)[order].astype(np.int8)

    def __len__(self) -> int:
        return len(self._digests)

    def get(self, patient_id: str) -> str | None:
        """The split of ``patient_id``; None for a patient that pass 1 did not see."""
        digest = np.uint64(digest64(patient_id, self._salt))
        at = int(np.searchsorted(self._digests, digest))
        if at == len(self._digests) or self._digests[at] != digest:
            return None
        return self.names[self._folds[at]]

    def counts(self) -> dict[str, int]:
        """Patients per split name."""
        counts = np.bincount(self._folds, minlength=len(self.names))
        return {name: int(n) for name, n in zip(self.names, counts, strict=True)}


class DigestIndex:
    """Strings mapped to small integers, stored as sorted 64-bit digests and one byte each.

    New entries wait in a dict of at most ``_BUFFER`` entries, then are merged into the sorted
    arrays (an O(n) insert, rare enough to cost seconds over millions of entries). Two distinct
    strings sharing a digest (see ``digest64``) would count as one.
    """

    def __init__(self) -> None:
        self._digests = np.empty(0, np.uint64)
        self._values = np.empty(0, np.int8)
        self._recent: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._digests) + len(self._recent)

    def __contains__(self, key: str) -> bool:
        return self._find(digest64(key)) is not None

    def setdefault(self, key: str, value: int) -> int:
        """The value stored for ``key``; ``value`` is stored (and returned) if it is new."""
        digest = digest64(key)
        known = self._find(digest)
        if known is not None:
            return known
        self._recent[digest] = value
        if len(self._recent) >= _BUFFER:
            self._merge()
        return value

    def counts(self, n_values: int) -> np.ndarray:
        """Number of keys per value, for values ``0..n_values - 1``."""
        counts = np.bincount(self._values, minlength=n_values)
        for value in self._recent.values():
            counts[value] += 1
        return counts

    def _find(self, digest: int) -> int | None:
        if digest in self._recent:
            return self._recent[digest]
        key = np.uint64(digest)
        at = int(np.searchsorted(self._digests, key))
        if at < len(self._digests) and self._digests[at] == key:
            return int(self._values[at])
        return None

    def _merge(self) -> None:
        digests = np.fromiter(self._recent, np.uint64, len(self._recent))
        values = np.fromiter(self._recent.values(), np.int8, len(self._recent))
        order = np.argsort(digests)
        at = np.searchsorted(self._digests, digests[order])
        self._digests = np.insert(self._digests, at, digests[order])
        self._values = np.insert(self._values, at, values[order])
        self._recent.clear()
