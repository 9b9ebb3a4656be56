"""Several exports of the same shape (e.g. one per month) read as one raw table, each line counted once.

A marketer who exports January and February from the shop's back office gets two files with the same
columns, and often a few days in common.  :func:`combine` stacks them into one
:class:`~crm_core.schema.RawTable` so the rest of the analysis runs on them exactly as on a single export:

* **Same shape.**  The header *sets* must be equal; the columns are put in the first file's order.  Anything
  else raises ``DataError("files_differ")`` naming the file and its missing / extra columns.
* **Row numbers stay unique and readable.**  The frame's index is the row number the user sees.  File ``k``
  (0-based) has ``k × unit`` added to its rows, ``unit`` being the smallest power of ten above every file's
  last row, so row 1,000,005 is row 5 of the second file when the largest file has under a million rows.
  ``RawTable.parts`` records ``(file name, offset)``; :func:`file_rows` turns combined rows back into
  (file, row in that file).
* **Overlaps counted once.**  A line whose cells all equal a line of an *earlier* file is an overlap: two
  exports that share a week hold that week's lines twice.  Lines repeated *within* one file are kept, as the
  single-file reading keeps them (two identical lines of one export are two purchases).  Both rules together:
  each line's occurrences are numbered within its file (first, second, ... time the same cells appear); a
  ``(line, occurrence)`` already seen in an earlier file is an overlap.  So a line is kept, in total, as often
  as the file holding it most often has it, and two files that split one export by date give back exactly
  the lines of the one export.  Overlaps leave the frame and go to ``RawTable.overlaps`` (with the earlier
  file's name in ``overlap_of``); :func:`crm_core.ingest.clean.standardize` reports them as excluded rows
  with the reason ``overlap``, so ``rows_read == rows_used + len(excluded)`` still counts every line of
  every file.

Lines are compared by a 64-bit hash of their cells (vectorised: no Python loop over rows), and every
match is then confirmed cell by cell: a line is only ever set aside for an earlier line with the very same
cells, even if two hashes collide.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crm_core.ingest.readers import read_upload
from crm_core.messages import Localized
from crm_core.schema import DataError, Note, RawTable, ReadOptions

__all__ = ["combine", "file_rows", "read_files"]

_OCCURRENCE_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: occurrence n shifts the key by n × this
_NONE = Localized(en="none", zh="无")


def read_files(files: Sequence[tuple[str, bytes]], options: ReadOptions = ReadOptions()) -> RawTable:
    """Read each ``(file name, bytes)`` with :func:`~crm_core.ingest.readers.read_upload`, then :func:`combine`.

    ``options`` apply to every file (leave ``encoding`` None to let files in different encodings, one GBK
    and one UTF-8, each be detected).  One file gives exactly what ``read_upload`` gives.  Errors name the
    file they come from.
    """
    if not files:
        raise ValueError("read_files needs at least one (name, bytes) pair")
    return combine([read_upload(data, name, options) for name, data in files])


def combine(raws: Sequence[RawTable]) -> RawTable:
    """One raw table from several of the same shape; lines already in an earlier file set aside, counted once.

    Parameters
    ----------
    raws : sequence of RawTable
        Tables as :func:`~crm_core.ingest.readers.read_upload` returns them, in the order the user gave
        (earlier files win: an overlap is reported against the first file holding the line).

    Returns
    -------
    RawTable
        A single table is returned as it is.  Otherwise: ``frame`` all kept lines, file after file, columns
        in the first file's order, index = combined row number (see the module docstring); ``source_name``
        ``"a.csv + b.csv"``; ``parts`` ``((name, offset), ...)`` (names made unique with " (2)");
        ``bad_lines`` of every file with combined row numbers; ``overlaps`` the lines set aside (same
        columns and row numbering as ``frame``) and ``overlap_of`` the earlier file holding each; ``notes``
        each file's notes once (a note only some files have is prefixed with their names) and
        ``note_overlap`` when lines were set aside.  ``encoding``, ``delimiter``, ``sheet``,
        ``sheet_names``, ``encoding_candidates`` are kept when every file has the same, else empty;
        ``file_type`` and ``header_row`` are the first file's.

    Raises
    ------
    DataError
        ``files_differ`` when a file's columns are not the first file's (order aside).
    """
    raws = list(raws)
    if not raws:
        raise ValueError("combine needs at least one table")
    if len(raws) == 1:
        return raws[0]
    names = _unique_names([raw.source_name for raw in raws])
    columns = list(raws[0].frame.columns)
    for raw, name in zip(raws[1:], names[1:], strict=True):
        _check_same_columns(raw, name, columns, first=names[0])
    unit = _row_unit(raws)
    offsets = [k * unit for k in range(len(raws))]
    aligned = [raw.frame[columns].set_axis(raw.frame.index.to_numpy(dtype="int64") + offset, axis=0)
               for raw, offset in zip(raws, offsets, strict=True)]
    full = pd.concat(aligned, axis=0)
    overlap_pos, earlier_file = _overlaps([len(f) for f in aligned], full)
    is_overlap = np.zeros(len(full), dtype=bool)
    is_overlap[overlap_pos] = True
    overlaps = full.iloc[overlap_pos]
    overlap_of = pd.Series(np.asarray(names, dtype=object)[earlier_file], index=overlaps.index, dtype="str",
                           name="overlap_of")
    notes = _merged_notes(raws, names)
    if len(overlap_pos):
        notes.append(Note.of("note_overlap", rows=len(overlap_pos),
                             files=_overlap_listing(overlap_pos, earlier_file, [len(f) for f in aligned], names)))
    return RawTable(
        frame=full.iloc[np.flatnonzero(~is_overlap)] if len(overlap_pos) else full,
        source_name=" + ".join(names),
        file_type=raws[0].file_type,
        encoding=_common(raw.encoding for raw in raws),
        delimiter=_common(raw.delimiter for raw in raws),
        sheet=_common(raw.sheet for raw in raws),
        sheet_names=_common((raw.sheet_names for raw in raws), empty=()),
        header_row=raws[0].header_row,
        bad_lines=tuple((line + offset, text) for raw, offset in zip(raws, offsets, strict=True)
                        for line, text in raw.bad_lines),
        encoding_candidates=_common((raw.encoding_candidates for raw in raws), empty=()),
        notes=tuple(notes),
        parts=tuple(zip(names, offsets, strict=True)),
        overlaps=overlaps if len(overlaps) else None,
        overlap_of=overlap_of if len(overlaps) else None,
    )


def file_rows(parts: Sequence[tuple[str, int]], rows) -> tuple[np.ndarray, np.ndarray]:
    """Combined row numbers back to (file name, row in that file), one pair per row; vectorised.

    ``parts`` is ``RawTable.parts`` / ``IngestReport.parts`` (offsets ascending, the first 0).  With no
    parts (a single file) the names are empty strings and the rows unchanged.

    >>> names, rows = file_rows((("a.csv", 0), ("b.csv", 1000)), [5, 1005, 1999])
    >>> names.tolist(), rows.tolist()
    (['a.csv', 'b.csv', 'b.csv'], [5, 5, 999])
    """
    rows = np.asarray(rows, dtype="int64")
    if not parts:
        return np.full(len(rows), "", dtype=object), rows
    offsets = np.array([offset for _, offset in parts], dtype="int64")
    # A file's rows are above its offset (rows start at 1), so "last offset below the row" finds the file.
    which = np.searchsorted(offsets, rows, side="left") - 1
    which = np.clip(which, 0, len(parts) - 1)
    return np.asarray([name for name, _ in parts], dtype=object)[which], rows - offsets[which]


# --- helpers -------------------------------------------------------------------------------------

def _unique_names(names: list[str]) -> list[str]:
    """File names as given, a repeated one suffixed " (2)", " (3)" so each part can be told apart."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _check_same_columns(raw: RawTable, name: str, columns: list[str], *, first: str) -> None:
    present = set(raw.frame.columns)
    if present == set(columns):
        return
    missing = [c for c in columns if c not in present]
    extra = [c for c in raw.frame.columns if c not in set(columns)]
    raise DataError("files_differ", name=name, first=first,
                    missing=Localized.listing(missing) if missing else _NONE,
                    extra=Localized.listing(extra) if extra else _NONE)


def _row_unit(raws: list[RawTable]) -> int:
    """The smallest power of ten above every file's last row (ragged lines included): the offset step."""
    last = 1
    for raw in raws:
        if len(raw.frame):
            last = max(last, int(raw.frame.index.max()))
        if raw.bad_lines:
            last = max(last, max(line for line, _ in raw.bad_lines))
    return 10 ** len(str(last))


def _overlaps(lengths: list[int], full: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``full`` of the lines already in an earlier file, and that earlier file's index.

    ``full`` is the files' aligned frames stacked, ``lengths`` their row counts.  Key of a line: the hash of
    its cells mixed with its occurrence number within its file (0 for the first time those cells appear,
    1 for the second...), so a line repeated within one file is not an overlap, and one repeated in a
    later file is one only as often as an earlier file already had it.
    """
    hashes = pd.util.hash_pandas_object(full, index=False).to_numpy(dtype="uint64")
    starts = np.concatenate([[0], np.cumsum(lengths)])
    seen_keys: list[np.ndarray] = []
    seen_pos: list[np.ndarray] = []
    found_pos: list[np.ndarray] = []
    found_earlier: list[np.ndarray] = []
    for k in range(len(lengths)):
        span = slice(starts[k], starts[k + 1])
        keys = _occurrence_keys(hashes[span])
        positions = np.arange(starts[k], starts[k + 1], dtype="int64")
        new = np.ones(len(keys), dtype=bool)
        if k and sum(len(a) for a in seen_keys):
            seen = pd.Index(np.concatenate(seen_keys))
            at = seen.get_indexer(keys)
            candidates = np.flatnonzero(at >= 0)
            earlier = np.concatenate(seen_pos)[at[candidates]]
            same = _same_cells(full, positions[candidates], earlier)
            hit = candidates[same]
            new[candidates] = False  # a failed check (a hash collision) stays in the frame, its key not re-added
            found_pos.append(positions[hit])
            found_earlier.append(np.searchsorted(starts, earlier[same], side="right") - 1)
        unique = new & ~pd.Index(keys).duplicated()  # keys are unique within a file unless 64 bits collide
        seen_keys.append(keys[unique])
        seen_pos.append(positions[unique])
    if not found_pos:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    return np.concatenate(found_pos), np.concatenate(found_earlier)


def _occurrence_keys(hashes: np.ndarray) -> np.ndarray:
    """Each line's hash mixed with how many times the same hash came before it in this file."""
    occurrence = pd.Series(hashes).groupby(hashes, sort=False).cumcount().to_numpy(dtype="uint64")
    return hashes + occurrence * _OCCURRENCE_MIX  # uint64 arithmetic wraps around, as a hash should


def _same_cells(full: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether the lines at positions ``left`` and ``right`` of ``full`` hold the same cells (empty = empty)."""
    if not len(left):
        return np.zeros(0, dtype=bool)
    a = full.iloc[left].reset_index(drop=True)
    b = full.iloc[right].reset_index(drop=True)
    equal = (a == b).to_numpy(dtype=bool, na_value=False) | (a.isna() & b.isna()).to_numpy(dtype=bool)
    return equal.all(axis=1)


def _common(values, *, empty=None):
    """The one value every file shares, else ``empty``."""
    distinct = list(dict.fromkeys(values))
    return distinct[0] if len(distinct) == 1 else empty


def _merged_notes(raws: list[RawTable], names: list[str]) -> list[Note]:
    """Each distinct note once, in order of appearance; one only some files have says which ("b.csv: …")."""
    holders: dict[object, tuple[Note, list[str]]] = {}
    for raw, name in zip(raws, names, strict=True):
        for note in raw.notes:
            key = _note_key(note)
            if key not in holders:
                holders[key] = (note, [])
            if name not in holders[key][1]:
                holders[key][1].append(name)
    merged = []
    for note, files in holders.values():
        if len(files) == len(raws):
            merged.append(note)
        else:
            merged.append(Note.of("note_in_file", note.level, files=Localized.listing(files),
                                  text=Localized(en=note.text("en"), zh=note.text("zh"))))
    return merged


def _note_key(note: Note) -> object:
    try:
        hash(note)
    except TypeError:  # a parameter that is a list: compare by what it says
        return (note.code, note.level, note.text("en"), note.text("zh"))
    return note


def _overlap_listing(positions: np.ndarray, earlier: np.ndarray, lengths: list[int], names: list[str]) -> Localized:
    """Per later file, how many of its lines each earlier file already had: "b.csv: 7 lines also in a.csv"."""
    starts = np.concatenate([[0], np.cumsum(lengths)])
    later = np.searchsorted(starts, positions, side="right") - 1
    counts = pd.crosstab(later, earlier)
    en, zh = [], []
    for k in counts.index:
        row = counts.loc[k]
        pairs = [(names[j], int(n)) for j, n in row.items() if n]
        en.append(f"{names[k]}: " + ", ".join(f"{n:,} lines also in {e}" for e, n in pairs))
        zh.append(f"{names[k]}：" + "，".join(f"{n:,} 行已在 {e} 中" for e, n in pairs))
    return Localized(en="; ".join(en), zh="；".join(zh))
