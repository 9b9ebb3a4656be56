"""Text half of :mod:`crm_core.ingest.readers`: decode bytes, guess the separator, split into cells.

Internal module; call :func:`crm_core.ingest.readers.read_upload` instead.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import islice

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as arrow_csv
from charset_normalizer.md import mess_ratio

from crm_core.messages import Localized
from crm_core.schema import DataError

SAMPLE_CHARS = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "space"}

# utf-32 first: its little-endian BOM starts with the utf-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# What Excel writes on Chinese and Western Windows; charset-normalizer often omits them on small files.
_PREFERRED_LEGACY = ("gb18030", "cp1252")
# Never offered: supersets replace them (gb18030 reads all GBK/GB2312), or they cannot apply any more.
_REPLACED = {"gbk": "gb18030", "gb2312": "gb18030", "ascii": "cp1252"}
_HARMLESS_SYMBOLS = set("\u00a0°£¥©®·×÷€™•…–—‘’“”")
# What a marketer calls each codec, by its Python name (codecs.lookup(...).name).
_ENCODING_LABELS = {
    "utf-8": ("UTF-8", "UTF-8"),
    "utf-8-sig": ("UTF-8 with BOM", "UTF-8（带 BOM）"),
    "utf-16": ("UTF-16", "UTF-16"),
    "utf-16-le": ("UTF-16", "UTF-16"),
    "utf-16-be": ("UTF-16", "UTF-16"),
    "utf-32": ("UTF-32", "UTF-32"),
    "gb18030": ("Chinese (GB18030/GBK)", "中文编码（GB18030/GBK）"),
    "gbk": ("Chinese (GB18030/GBK)", "中文编码（GB18030/GBK）"),
    "gb2312": ("Chinese (GB18030/GBK)", "中文编码（GB18030/GBK）"),
    "big5": ("Traditional Chinese (Big5)", "繁体中文（Big5）"),
    "cp1252": ("Western European (Windows-1252)", "西欧语言（Windows-1252）"),
    "iso8859-1": ("Western European (ISO-8859-1)", "西欧语言（ISO-8859-1）"),
    "iso8859-15": ("Western European (ISO-8859-15)", "西欧语言（ISO-8859-15）"),
    "cp1250": ("Central European (Windows-1250)", "中欧语言（Windows-1250）"),
    "cp1251": ("Cyrillic (Windows-1251)", "西里尔文（Windows-1251）"),
    "shift_jis": ("Japanese (Shift-JIS)", "日文（Shift-JIS）"),
    "cp932": ("Japanese (Shift-JIS)", "日文（Shift-JIS）"),
    "euc_jp": ("Japanese (EUC-JP)", "日文（EUC-JP）"),
    "euc_kr": ("Korean (EUC-KR)", "韩文（EUC-KR）"),
    "cp949": ("Korean (EUC-KR)", "韩文（EUC-KR）"),
}


def encoding_label(codec: str, lang: str = "en") -> str:
    """The encoding in words for ``lang`` ("zh", else English): "gb18030" -> "Chinese (GB18030/GBK)".

    Codecs without a label show their name in capitals ("MAC-ROMAN").  ``RawTable.encoding`` keeps the
    codec name itself, which is what :class:`~crm_core.schema.ReadOptions` takes back.
    """
    try:
        key = codecs.lookup(codec).name
    except LookupError:
        key = codec.lower()
    labels = _ENCODING_LABELS.get(key)
    if labels is None:
        return codec.upper()
    return labels[1] if lang == "zh" else labels[0]


def encoding_words(codec: str) -> Localized:
    """:func:`encoding_label` in both languages, as a message parameter."""
    return Localized(en=encoding_label(codec, "en"), zh=encoding_label(codec, "zh"))


@dataclass(frozen=True)
class DecodedText:
    """Text of an upload, the codec that produced it and the ranked alternatives (best first)."""

    text: str
    encoding: str
    candidates: tuple[str, ...]


def bom_encoding(data: bytes) -> str | None:
    """Codec named by a byte-order mark at the start of ``data``, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when ``data`` looks like BOM-less UTF-16 (NUL in every other byte)."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 4:
        return None
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.4 * len(zeros) and other.count(0) < 0.02 * len(other):
            return name
    return None


def decode_text(data: bytes, *, encoding: str | None, name: str) -> DecodedText:
    """Decode ``data``: the given encoding, else a BOM, else strict UTF-8, else the best-ranked legacy codec.

    Raises ``DataError("undecodable_text")`` when nothing fits.
    """
    forced = encoding or bom_encoding(data) or utf16_without_bom(data)
    if forced:
        return DecodedText(_decode_strict(data, forced, name), forced, (forced,))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return DecodedText(text, "utf-8", ("utf-8", *_also_decoding(_byte_sample(data))))
    ranked = rank_legacy_encodings(_byte_sample(data))
    for position, candidate in enumerate(ranked):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:  # the sample fitted, a later byte does not
            continue
        return DecodedText(text, candidate, tuple(ranked[position:]))
    raise DataError("undecodable_text", name=name)


def _also_decoding(sample: bytes) -> tuple[str, ...]:
    """The usual legacy codecs that also decode a non-ASCII UTF-8 sample (short GBK text can be valid UTF-8)."""
    if sample.isascii():
        return ()
    found = []
    for codec in _PREFERRED_LEGACY:
        try:
            sample.decode(codec)
        except UnicodeDecodeError:
            continue
        found.append(codec)
    return tuple(found)


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise DataError("undecodable_text", name=name) from None


def _byte_sample(data: bytes, size: int = SAMPLE_CHARS) -> bytes:
    """The first ``size`` bytes cut after the last newline, so no multi-byte character is split."""
    if len(data) <= size:
        return data
    cut = data.rfind(b"\n", 0, size)
    return data[: cut + 1] if cut > 0 else data[:size]


def rank_legacy_encodings(sample: bytes) -> list[str]:
    """Codecs that decode ``sample``, most plausible first.

    A clean decode proves nothing (cp1252 bytes decode as gb18030 into rare ideographs), so
    candidates from charset-normalizer plus gb18030 and cp1252 are ranked by
    ``mess_ratio`` (charset-normalizer's own noise measure) + share of implausible characters
    (:func:`implausible_share`) + 0.05 for codecs other than the two usual ones.
    """
    proposed = [match.encoding for match in charset_normalizer.from_bytes(sample)]
    names: list[str] = []
    for raw in (*_PREFERRED_LEGACY, *proposed):
        try:
            codec = codecs.lookup(raw).name
        except LookupError:
            continue
        codec = _REPLACED.get(codec, codec)
        if codec not in names:
            names.append(codec)
    scored = []
    for order, codec in enumerate(names):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        penalty = 0.0 if codec in _PREFERRED_LEGACY else 0.05
        scored.append((mess_ratio(text, maximum_threshold=1.0) + implausible_share(text) + penalty, order, codec))
    return [codec for _, _, codec in sorted(scored)]


def implausible_share(text: str) -> float:
    """Share of non-ASCII characters unlikely in a Chinese or Western business export.

    Plausible: common simplified Chinese (GB2312) ideographs, CJK and full-width punctuation,
    Latin/Greek/Cyrillic letters, typographic punctuation. Everything else (Hangul, kana, rare
    ideographs, Latin-1 symbols such as ``¿»§±``) is what mojibake looks like.
    """
    counts = Counter(re.findall(r"[^\x00-\x7f]", text))
    total = sum(counts.values())
    if not total:
        return 0.0
    odd = sum(n for ch, n in counts.items() if not _plausible_char(ch))
    return odd / total


def _plausible_char(ch: str) -> bool:
    if "\u4e00" <= ch <= "\u9fff":
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True
    # CJK punctuation and full-width ASCII/currency; not the half-width katakana between them.
    if "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or "\uffe0" <= ch <= "\uffe6":
        return True
    if ch in _HARMLESS_SYMBOLS:
        return True
    return ord(ch) < 0x530 and unicodedata.category(ch).startswith("L")


def text_sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """The first ``size`` characters cut after the last line break (a partial last record misleads)."""
    if len(text) <= size:
        return text
    cut = max(text.rfind("\n", 0, size), text.rfind("\r", 0, size))
    return text[: cut + 1] if cut > 0 else text[:size]


def sniff_delimiter(sample: str) -> str | None:
    """The separator among ``, ; tab |`` whose field count is most consistent over ``sample``.

    Each candidate splits the first 200 records with the csv module (so quoted fields are
    respected); its score is the share of records holding the most common field count above 1.
    Ties go to the wider split, then to the order above. ``None`` when no candidate splits anything.
    """
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, delimiter in enumerate(DELIMITERS):
        widths = [len(record) for record in first_records(sample, delimiter, 200) if record]
        multi = Counter(width for width in widths if width > 1)
        if not multi:
            continue
        width, hits = multi.most_common(1)[0]
        score = (hits / len(widths), width, -order)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def first_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` records of ``text`` split by the csv module; blank lines give ``[]``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(islice(reader, limit))
    except csv.Error:  # NUL bytes or a huge field: this split is not the right one
        return []


@dataclass(frozen=True)
class TextGrid:
    """Cells of a delimited text, header record apart.

    ``body``: str columns 0..n-1 (empty fields missing), index = 1-based line number.
    """

    header: tuple[str | None, ...]
    body: pd.DataFrame
    bad_lines: tuple[tuple[int, str], ...] = ()


def read_grid(text: str, utf8: bytes, *, delimiter: str, skip: int, name: str) -> TextGrid:
    """Split the text after ``skip`` leading lines; the first record is the header.

    Fast path: pandas' C parser on the UTF-8 bytes, everything as text, only empty fields
    missing.  The index assumes one line per record (a quoted field spanning lines shifts
    later numbers).  When the C parser rejects the file (a line with too many fields, an
    unterminated quote) the csv module reads it record by record instead, with exact line
    numbers, and sets ragged lines aside.
    """
    try:
        cells = _read_fast(utf8, delimiter=delimiter, skip=skip)
    except pd.errors.EmptyDataError:
        return TextGrid(header=(), body=pd.DataFrame(index=pd.RangeIndex(0)))
    except pd.errors.ParserError:
        grid = _read_grid_leniently(text, delimiter=delimiter, skip=skip, name=name)
    else:
        header = tuple(None if pd.isna(value) else value for value in cells.iloc[0])
        grid = TextGrid(header=header, body=cells.iloc[1:].set_axis(pd.RangeIndex(skip + 2, skip + 1 + len(cells))))
    _refuse_unclosed_quote(text, grid.body, name=name)
    return grid


def _read_fast(utf8: bytes, *, delimiter: str, skip: int) -> pd.DataFrame:
    """Arrow's multi-threaded parser (about 4x faster) when it can give the same cells, else the C parser.

    Arrow drops blank lines (shifting row numbers) and refuses ragged rows, quoted line breaks and
    other oddities: in those cases the C parser's answer (or its error) is the one we use.
    """
    try:
        cells = _read_arrow(utf8, delimiter=delimiter, skip=skip)
    except Exception:  # noqa: BLE001 - any Arrow refusal means: let the C parser decide
        cells = None
    # One record per line, none dropped: then Arrow's row numbers are the file's (a blank line it skipped,
    # or "\r"-only line ends, would show up as a different count).
    if cells is not None and len(cells) + skip == _count_lines(utf8):
        return cells
    options = dict(sep=delimiter, header=None, skiprows=skip, dtype=str, keep_default_na=False, na_values=[""],
                   encoding="utf-8", quotechar='"')
    return pd.read_csv(io.BytesIO(utf8), engine="c", skip_blank_lines=False, **options)


def _read_arrow(utf8: bytes, *, delimiter: str, skip: int) -> pd.DataFrame:
    """What ``pd.read_csv(engine="pyarrow", header=None, dtype=str, na_values=[""], keep_default_na=False)`` reads.

    Called on pyarrow.csv directly, with the same options pandas passes (every column text, only empty
    fields missing, columns numbered 0..n-1), minus two costs: pandas' wrapper, and Arrow's UTF-8 check,
    because ``utf8`` is always valid UTF-8 here (the bytes Python decoded, or text it encoded).
    """
    table = arrow_csv.read_csv(
        pa.BufferReader(utf8),
        read_options=arrow_csv.ReadOptions(autogenerate_column_names=True, skip_rows=skip, encoding="utf-8"),
        parse_options=arrow_csv.ParseOptions(delimiter=delimiter, quote_char='"'),
        convert_options=arrow_csv.ConvertOptions(null_values=[""], strings_can_be_null=True,
                                                 default_column_type=pa.large_string(), check_utf8=False),
    )
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype(na_value=np.nan)}.get)
    frame.columns = pd.Index(np.arange(len(frame.columns), dtype=np.int64))  # as pandas numbers them
    return frame


def _count_lines(utf8: bytes) -> int:
    """Line feeds, plus one for a last line without one: numpy over 256 KiB slices (3x faster than bytes.count)."""
    raw = np.frombuffer(utf8, dtype=np.uint8)
    step = 1 << 18
    feeds = sum(int(np.count_nonzero(raw[start:start + step] == 10)) for start in range(0, len(raw), step))
    return feeds + (0 if not utf8 or utf8.endswith(b"\n") else 1)


def _refuse_unclosed_quote(text: str, body: pd.DataFrame, *, name: str) -> None:
    """Both parsers read a quote that is never closed to the end of the file, into one cell.

    That cell is then the last one of the last row, holds line breaks and is the very end of
    the text; a properly quoted cell would be followed by its closing quote.
    """
    if body.empty:
        return
    last_row = body.iloc[-1].dropna()
    if last_row.empty or not re.search(r"[\r\n]", last_row.iloc[-1]):
        return
    swallowed = last_row.iloc[-1].rstrip("\r\n")
    if not swallowed or not text.rstrip("\r\n").endswith(swallowed):
        return
    # Quotes come in pairs (opening + closing, "" for a quote inside): an even count means the cell was
    # properly quoted, e.g. a last cell holding '"' and a line break, written as """\n".
    if text.count('"') % 2 == 0:
        return
    line = body.index[-1]
    detail = Localized(en=f'a quote (") opened on line {line} is never closed',
                       zh=f"第 {line} 行有一个引号（\"）没有闭合")
    raise DataError("unreadable_text", name=name, detail=detail)


def _read_grid_leniently(text: str, *, delimiter: str, skip: int, name: str) -> TextGrid:
    lines = io.StringIO(text, newline="").readlines()  # the csv module's notion of a line
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    rows, numbers, bad = [], [], []
    records, last_line = 0, 0
    try:
        for record in reader:
            first_line, last_line = last_line + 1, reader.line_num
            records += 1
            if records <= skip:
                continue
            if header is None:
                header = record
                continue
            width = len(header)
            if len(record) > width and any(field.strip() for field in record[width:]):
                bad.append((first_line, "".join(lines[first_line - 1:last_line]).rstrip("\r\n")))
            elif record:
                rows.append(record[:width] if len(record) >= width else record + [""] * (width - len(record)))
                numbers.append(first_line)
    except csv.Error as exc:
        if "field limit" in str(exc):
            detail = Localized(en='a field is too long; a quote (") may be left open',
                               zh="某个单元格过长，可能有引号（\"）没有闭合")
        else:
            detail = Localized(en=f"a line near line {max(reader.line_num, 1)} cannot be split into fields",
                               zh=f"第 {max(reader.line_num, 1)} 行附近有一行无法拆分为字段")
        raise DataError("unreadable_text", name=name, detail=detail) from None
    if header is None:
        return TextGrid(header=(), body=pd.DataFrame(index=pd.RangeIndex(0)))
    cells = pd.DataFrame(rows, index=pd.Index(numbers, dtype="int64"), columns=range(len(header)), dtype="str")
    body = cells.mask(cells.eq(""))  # only empty fields are missing, as on the fast path
    return TextGrid(header=tuple(field if field else None for field in header), body=body, bad_lines=tuple(bad))
