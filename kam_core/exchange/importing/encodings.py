"""A CSV file's encoding: read with certainty when it can be, detected otherwise, refused when in doubt.

``decode(data)`` returns ``(text, codec)``. The certain cases come first and cost nothing: a byte
order mark (UTF-8: ``utf-8-sig``; UTF-16: ``utf-16``), then text valid as UTF-8 (``utf-8``, most
files). Anything else goes to charset-normalizer (``detect``), which is given the lines holding
bytes above 127 (at most ``SAMPLE_BYTES``; ASCII lines read the same in every candidate) and tries
the code pages of ``CANDIDATES``; each of its answers is a reading with its chaos (how garbled the
text looks, 0 to 1) and the code pages giving that same text. Then:

- a file holding NUL bytes is UTF-16 without a byte order mark when the detector reads it as
  UTF-16 LE or BE with little chaos, as text with line breaks and ASCII separators; otherwise it
  is not text (not_text);
- nothing readable at all: not_text when the bytes look binary (control characters), else
  encoding_unknown;
- the least chaos above ``CHAOS_MAX``: encoding_unsure {encoding} (the detector's guess);
- among the readings within ``CHAOS_MARGIN`` of the least chaos, a Western one (Windows-1252,
  ISO-8859-1 or -15) wins when its text looks Western -- accented letters alone or in pairs
  inside words, never in runs of three or more as another alphabet or a double-byte code page
  read as Windows-1252 gives ("Š”Ž®‰ïŽÐƒeƒXƒg"); the file is then ``cp1252``, or ``iso8859_15``
  when it holds no byte from 0x80 to 0x9F and shows the euro sign or Œ œ Ÿ of ISO-8859-15. Short
  Western files are the common case of a French team, and their few accents are exactly where
  the detector hesitates between Western and other code pages; the runs test keeps the others
  out. A file whose Western reading shows UTF-8 sequences ("Ã©", "â€™") mixes UTF-8 with
  another encoding: encoding_mixed {line};
- otherwise a single reading is taken (``cp932`` for Shift-JIS, ``gb18030``, ``big5``,
  ``cp949``, ``cp1251`` ...), or, among several, the one whose text the detector finds clearly
  more coherent (a language it knows); several disagreeing readings left: encoding_ambiguous
  {encoding, others}.

Every refusal names its guess and asks for the file saved as UTF-8: nothing garbled is ever
stored. The whole file must then decode with the codec chosen (encoding_unsure otherwise).
"""

from __future__ import annotations

import re

from kam_core.exchange.importing.model import ImportFileError

# The code pages the detector tries on a file without NUL bytes: the Western ones, the other
# Windows code pages of Europe, and the double-byte ones of East Asia (UTF-16 is tried on files
# holding NUL bytes: its CSV files always do, with their ASCII separators and line breaks).
CANDIDATES = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "cp932",
    "euc_jp",
    "gb18030",
    "big5",
    "cp949",
)
WESTERN = ("cp1252", "iso8859_15", "latin_1")
CHAOS_MAX = 0.2  # the detector's own default: a reading more garbled than this is no reading
CHAOS_MARGIN = 0.05  # readings this close to the best one are as good as it
COHERENCE_LEAD = 0.2  # a reading this much more coherent than the others wins among them
OTHERS_NAMED = 3  # an ambiguous file names its best guess and at most this many others
SAMPLE_BYTES = 32_768  # non-ASCII lines given to the detector
UTF16_SAMPLE_BYTES = 65_536

NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "utf_16_le": "UTF-16 LE",
    "utf_16_be": "UTF-16 BE",
    "cp1252": "Windows-1252",
    "latin_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "cp1250": "Windows-1250",
    "cp1251": "Windows-1251",
    "cp1253": "Windows-1253",
    "cp1254": "Windows-1254",
    "cp1257": "Windows-1257",
    "koi8_r": "KOI8-R",
    "cp932": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp949": "EUC-KR",
}

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HIGH = re.compile(rb"[\x80-\xff]")
_C1 = re.compile(rb"[\x80-\x9f]")
# ISO-8859-15's own characters: the euro sign (0xA4, "¤" in Latin-1), Œ œ Ÿ (0xBC-0xBE, "¼ ½ ¾")
# beside a letter.
_OE = re.compile(rb"[\xbc-\xbe]")
_ISO_8859_15 = re.compile(rb"[A-Za-z\xc0-\xff][\xbc-\xbe]|[\xbc-\xbe][A-Za-z\xc0-\xff]")
# UTF-8 as Windows-1252 reads it: "Ã©", "Â°", "â€™" -- never in Western text (one pattern per
# first byte: a pattern starting with a literal is searched ten times faster than alternatives).
_UTF8_SEQUENCES = tuple(
    re.compile(pattern) for pattern in (rb"\xc3[\x80-\xbf]", rb"\xc2[\x80-\xbf]", rb"\xe2[\x80-\x84][\x80-\xbf]")
)
# Where a line too long for the sample may be cut: spaces, punctuation and separators, below 0x40
# and no digit -- never the second byte of a character of Shift-JIS, GB18030, Big5 or EUC.
_CUT_AFTER = tuple(range(0x30)) + tuple(range(0x3A, 0x40))
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\xa0]{3,}")  # a no-break space (French numbers) is no letter
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def name(codec: str | None) -> str:
    """The encoding as people know it: "Windows-1252", "Shift-JIS", "UTF-8"."""
    if codec is None:
        return ""
    return NAMES.get(codec, codec)


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the codec that reads it; ImportFileError when it cannot be told."""
    if data.startswith(_UTF8_BOM):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        return _strict(data, codec), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        codec = detect(data, error.start)
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        raise ImportFileError("encoding_unsure", {"encoding": name(codec)}) from None


def _strict(data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise ImportFileError("not_text") from None
    if "\x00" in text:  # UTF-16 text holding NUL characters: no CRM exports them, no database stores them
        raise ImportFileError("not_text")
    return text


def _matches(sample: bytes, candidates) -> list:
    from charset_normalizer import from_bytes

    return list(
        from_bytes(
            sample,
            steps=1,
            chunk_size=max(len(sample), 1),
            threshold=0.5,  # readings up to 0.5 are kept, to name a guess; above CHAOS_MAX is refused
            cp_isolation=list(candidates),
            preemptive_behaviour=False,
        )
    )


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 LE or BE read from a file holding NUL bytes and no byte order mark; not_text when
    neither reads it as text with line breaks and ASCII separators."""
    sample = data[: UTF16_SAMPLE_BYTES - UTF16_SAMPLE_BYTES % 2] if len(data) > UTF16_SAMPLE_BYTES else data
    for _ in range(2):  # a surrogate pair cut in two at the end of the sample: drop its first half
        if len(sample) >= 2 and (0xD8 <= sample[-1] <= 0xDB or 0xD8 <= sample[-2] <= 0xDB):
            sample = sample[:-2]
    readings = [match for match in _matches(sample, ("utf_16_le", "utf_16_be")) if match.chaos <= CHAOS_MAX]
    if len(readings) == 1:
        text = str(readings[0])
        ascii_share = sum(1 for ch in text if ch < "\x80") / max(len(text), 1)
        if ("\n" in text or "\r" in text) and ascii_share >= 0.05:
            return readings[0].encoding
    raise ImportFileError("not_text")


def _sample(data: bytes) -> bytes:
    """The lines holding bytes above 127, whole, at most SAMPLE_BYTES of them (a first line longer
    than that is cut after a space, a separator or punctuation: never inside a character of a
    double-byte code page)."""
    parts: list[bytes] = []
    size = 0
    high = _HIGH.search(data)
    while high is not None and size < SAMPLE_BYTES:
        begin = data.rfind(b"\n", 0, high.start()) + 1
        end = data.find(b"\n", high.start())
        end = len(data) if end < 0 else end
        line = data[begin:end]
        room = SAMPLE_BYTES - size
        if len(line) > room:
            if parts:
                break
            cut = max(line.rfind(bytes((byte,)), 0, room) for byte in _CUT_AFTER)
            line = line[:cut] if cut > 0 else line[:room]
        parts.append(line)
        size += len(line) + 1
        high = _HIGH.search(data, end)
    return b"\n".join(parts)


def _looks_western(text: str) -> bool:
    """Accented letters alone or in pairs, as Western European words hold them: not in runs of
    three or more (another alphabet, or a double-byte code page, read as Windows-1252)."""
    accented = sum(1 for ch in text if ch > "\x7f" and ch != "\xa0")
    in_runs = sum(len(run) for run in _NON_ASCII_RUN.findall(text))
    return in_runs <= 0.2 * accented


def _western(data: bytes) -> str:
    """Windows-1252, or ISO-8859-15 when no byte is from 0x80 to 0x9F (Windows-1252's own
    characters, € included) and its euro sign or Œ œ Ÿ show."""
    if _C1.search(data) is not None:
        return "cp1252"
    if b"\xa4" in data or (_OE.search(data) is not None and _ISO_8859_15.search(data) is not None):
        return "iso8859_15"
    return "cp1252"


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def detect(data: bytes, start: int = 0) -> str:
    """The codec of a file that is not UTF-8 (``start``: its first byte that is not), as
    charset-normalizer reads it; ImportFileError (encoding_*, not_text) when it is not sure."""
    sample = _sample(data)
    matches = _matches(sample, CANDIDATES)
    if not matches:
        if len(_BINARY_CONTROLS.findall(data[:65536])) > 2:
            raise ImportFileError("not_text")
        raise ImportFileError("encoding_unknown")
    least = min(match.chaos for match in matches)
    readings = sorted(
        (match for match in matches if match.chaos <= least + CHAOS_MARGIN), key=lambda match: match.chaos
    )
    if least > CHAOS_MAX:
        raise ImportFileError("encoding_unsure", {"encoding": name(readings[0].encoding)})
    western = next((match for match in readings if set(match.could_be_from_charset) & set(WESTERN)), None)
    if western is not None and _looks_western(str(western)):
        if any(sequence.search(data) is not None for sequence in _UTF8_SEQUENCES):  # two encodings in one file
            raise ImportFileError("encoding_mixed", {"line": _line(data, start)})
        return _western(data)
    if len(readings) > 1:
        by_coherence = sorted(readings, key=lambda match: match.coherence, reverse=True)
        if by_coherence[0].coherence < by_coherence[1].coherence + COHERENCE_LEAD:
            raise ImportFileError(
                "encoding_ambiguous",
                {
                    "encoding": name(readings[0].encoding),
                    "others": [name(match.encoding) for match in readings[1 : 1 + OTHERS_NAMED]],
                },
            )
        readings = by_coherence
    return readings[0].encoding
