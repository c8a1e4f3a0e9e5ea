"""A CSV file's encoding (issue #20, item 5): UTF-8 and UTF-16 with or without a byte order mark,
Windows-1252, ISO-8859-1 and -15, Shift-JIS and GB18030 are read right; a file whose encoding
cannot be told for sure is refused with a message naming the guess -- never stored garbled.
Every sample is made here by encoding a string, and every reading is checked against it."""

from __future__ import annotations

import random

import pytest

from kam_core.exchange.importing import ImportFileError, encoding_name, read_table
from kam_core.i18n import LANGUAGES, translate

JAPANESE = "会社名,所在地,担当者\n株式会社テスト,東京都港区,山田太郎\n日本電気株式会社,東京都港区芝,佐藤花子\n"
CHINESE = "公司名称,城市,联系人\n北京科技有限公司,北京,王伟\n上海贸易有限公司,上海,李娜\n"

# Real-world Western rows, each alone under a header: the short files where a detector hesitates most
WESTERN_ROWS = [
    "Société Générale;Banque;Paris",
    "Crédit Agricole;Banque;Montrouge",
    "Œuvre d'Orient;Association;Paris",
    "Électricité de France;Énergie;Paris",
    "Hôtel du Château;Hôtellerie;Bordeaux",
    "Boulangerie Lefèvre & Fils;Agroalimentaire;Besançon",
    "Compagnie Générale des Eaux;Services;Crèvecœur",
    "Chiffre d'affaires;1 250 000 €;Prévisionnel",
    "Acompte versé;1\xa0250\xa0000,00\xa0€\xa0\xa0\xa0;Réglé",  # no-break spaces, as French Excel writes numbers
    "Crèche « Les Petits Loups »;Petite enfance;Lyon",
    "Cœur de Ville;Immobilier;Évry",
    "Ça va très bien;Divers;Île-de-France",
    "Müller GmbH;Maschinenbau;München",
    "Bäckerei Weiß;Lebensmittel;Köln",
    "Großhandel Schäfer KG;Handel;Düsseldorf",
    "Jürgen Köhler;Geschäftsführer;Nürnberg",
    "Telefónica España;Telecomunicaciones;Málaga",
    "Niño y Compañía;Distribución;Logroño",
    "José Muñoz;Director de compras;Cádiz",
    "¿Qué tal? S.A.;Alimentación;La Coruña",
    "Società Italiana;Servizi;Forlì",
    "João Gonçalves;Diretor;São Paulo",
    "Åsa Öberg;Inköp;Göteborg",
]
HEADERS = ["Raison sociale;Secteur;Ville", "Name;Industry;City", ""]


def _rows(text: str, separator: str) -> list[tuple]:
    return [tuple(line.split(separator)) for line in text.strip("\n").split("\n")[1:]]


def _refusal(data: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "accounts.csv")
    return refused.value


def test_a_shift_jis_file_is_read_right():
    # was "Š”Ž®‰ïŽÐƒeƒXƒg", stored without a word (exit code 0)
    table = read_table(JAPANESE.encode("shift_jis"), "取引先.csv")
    assert table.rows == tuple(_rows(JAPANESE, ","))
    assert table.rows[0][:2] == ("株式会社テスト", "東京都港区")
    assert encoding_name(table.encoding) == "Shift-JIS"
    one_line = "会社名,所在地\n株式会社テスト,東京都港区\n"
    assert read_table(one_line.encode("shift_jis"), "a.csv").rows == (("株式会社テスト", "東京都港区"),)


def test_a_gb18030_file_is_read_right():
    table = read_table(CHINESE.encode("gb18030"), "客户.csv")
    assert table.rows == tuple(_rows(CHINESE, ","))
    assert table.rows[0][0] == "北京科技有限公司"
    assert encoding_name(table.encoding) == "GB18030"


@pytest.mark.parametrize("codec, name", [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
@pytest.mark.parametrize("text", [JAPANESE, "Name;City\nSociété Générale;Paris\n", "Name;City\nAcme;Paris\n"])
def test_utf16_without_a_byte_order_mark_is_read_right(codec, name, text):
    table = read_table(text.encode(codec), "unicode.csv")  # was not_text: the NUL bytes
    separator = "," if "," in text else ";"
    assert (table.rows, encoding_name(table.encoding)) == (tuple(_rows(text, separator)), name)


@pytest.mark.parametrize(
    "data, codec",
    [
        ("Nom;Ville\nSociété Générale;Paris\n".encode(), "utf-8"),
        ("Nom;Ville\nSociété Générale;Paris\n".encode("utf-8-sig"), "utf-8-sig"),
        ("Nom;Ville\nSociété Générale;Paris\n".encode("utf-16"), "utf-16"),
    ],
)
def test_the_certain_cases_need_no_detector(data, codec, monkeypatch):
    from kam_core.exchange.importing import encodings

    def no_detector(*_args, **_kwargs):
        raise AssertionError("the detector was asked about a file whose encoding is certain")

    monkeypatch.setattr(encodings, "_matches", no_detector)
    table = read_table(data, "a.csv")
    assert (table.encoding, table.rows) == (codec, (("Société Générale", "Paris"),))


@pytest.mark.parametrize("codec", ["cp1252", "latin-1", "iso8859_15"])
@pytest.mark.parametrize("row", WESTERN_ROWS)
def test_a_short_western_file_is_read_right_in_each_western_encoding(codec, row):
    for header in HEADERS:
        text = f"{header or row}\n{row}\n"  # no header: the row is its own header
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:  # Œ œ € have no place in Latin-1
            continue
        table = read_table(data, "comptes.csv")
        assert table.rows[-1] == tuple(row.split(";")), (codec, header, table.encoding)
        assert encoding_name(table.encoding) in ("Windows-1252", "ISO-8859-15")


def test_western_files_of_several_rows_are_read_right():
    draw = random.Random(20)
    for _ in range(150):
        rows = draw.sample(WESTERN_ROWS, draw.choice([2, 3, 5, 10]))
        codec = draw.choice(["cp1252", "latin-1", "iso8859_15"])
        data = (f"{draw.choice(HEADERS)}\n".lstrip("\n") + "\n".join(rows) + "\n").encode(codec, errors="replace")
        table = read_table(data, "comptes.csv")
        assert [";".join(row) for row in table.rows] == data.decode(codec).splitlines()[1:], codec


def test_iso_8859_15_shows_its_euro_sign_and_oe():
    table = read_table("Nom;Montant\nŒuvre d'Orient;12 €\n".encode("iso8859_15"), "a.csv")
    assert (table.rows, table.encoding) == ((("Œuvre d'Orient", "12 €"),), "iso8859_15")
    assert read_table("Nom;Montant\nŒuvre d'Orient;12 €\n".encode("cp1252"), "a.csv").encoding == "cp1252"


# Files in other alphabets, short ones included: each is read exactly, or refused -- never garbled.
OTHER_ALPHABETS = [
    (["株式会社テスト,東京都港区", "日本電気株式会社,東京都港区芝", "山田太郎,営業部長"], ["shift_jis", "euc_jp"]),
    (["北京科技有限公司,北京", "上海贸易有限公司,上海", "王伟,销售经理", "深圳电子股份有限公司,深圳"], ["gb18030"]),
    (["삼성전자 주식회사,서울", "현대자동차,서울", "김철수,영업부장"], ["euc_kr"]),
    (["ООО Ромашка,Москва", "ПАО Сбербанк,Москва", "Иванов Иван,Директор"], ["cp1251", "koi8_r"]),
    (["Ελληνική Εταιρεία,Αθήνα", "Παπαδόπουλος,Διευθυντής"], ["cp1253"]),
]


def test_a_file_in_another_alphabet_is_read_exactly_or_refused():
    draw = random.Random(7)
    read = refused = 0
    for _ in range(150):
        rows, codecs = draw.choice(OTHER_ALPHABETS)
        chosen = draw.sample(rows, draw.choice([1, 1, 2, len(rows)]))
        text = ("name,city\n" if len(chosen) == 1 else draw.choice(["name,city\n", ""])) + "\n".join(chosen) + "\n"
        codec = draw.choice(codecs)
        try:
            table = read_table(text.encode(codec), "a.csv")
        except ImportFileError as error:
            assert error.code.startswith("encoding_"), error.code
            refused += 1
            continue
        assert [",".join(cell or "" for cell in row) for row in table.rows] == chosen[-len(table.rows) :], (
            codec,
            table.encoding,
        )
        read += 1
    assert read > 100  # most are read; the refused are the shortest


def _messages(error: ImportFileError) -> list[str]:
    params = {key: ", ".join(value) if isinstance(value, list) else value for key, value in error.params.items()}
    return [translate(f"import.error.{error.code}", language, **params) for language in LANGUAGES]


def _high_bytes(seed: int, size: int) -> bytes:
    draw = random.Random(seed)
    return bytes(draw.randrange(128, 256) for _ in range(size))


@pytest.mark.parametrize("seed", range(5))
def test_a_file_the_detector_cannot_read_is_refused_asking_for_utf8(seed):
    # random bytes above 127: were read as Windows-1252 and stored as "ÂÈ‡ž..."
    error = _refusal(b"Name,City\n" + _high_bytes(seed, 600) + b"\n")
    assert error.code == "encoding_unknown"
    english, french = _messages(error)
    assert "UTF-8" in english and "Nothing was imported" in english
    assert "UTF-8" in french and "Rien n'a été importé" in french


def test_an_ambiguous_file_is_refused_naming_its_guesses():
    # eight characters of Chinese read as well in GB18030, EUC-KR or Shift-JIS
    error = _refusal("北京科技有限公司,北京\n".encode("gb18030"))
    assert error.code == "encoding_ambiguous"
    guesses = [error.params["encoding"], *error.params["others"]]
    assert "GB18030" in guesses and len(guesses) > 1
    english, french = _messages(error)
    assert "GB18030" in english and "GB18030" in french and "UTF-8" in english


def test_a_guess_that_reads_badly_is_refused_naming_it():
    error = _refusal(b"Name,City\n" + _high_bytes(5, 40) + b"\n")
    assert (error.code, error.params) == ("encoding_unsure", {"encoding": "Windows-1251"})
    assert all("Windows-1251" in message and "UTF-8" in message for message in _messages(error))


def test_random_bytes_are_refused():
    for seed in range(5):
        error = _refusal(random.Random(seed).randbytes(3000))
        assert error.code in ("not_text", "encoding_unknown", "encoding_unsure", "encoding_ambiguous")


def test_a_file_mixing_utf8_with_windows_1252_is_refused_naming_the_line():
    data = "Nom;Ville\nSociété Générale;Paris\n".encode() + "Crédit Agricole;Montrouge\n".encode("cp1252")
    error = _refusal(data)
    assert (error.code, error.params) == ("encoding_mixed", {"line": 3})
    assert "line 3" in _messages(error)[0] and "ligne 3" in _messages(error)[1]


def test_a_long_file_is_detected_from_its_lines_that_are_not_ascii():
    rows = [f"Acme {index};Lyon" for index in range(20_000)]
    rows[15_000] = "株式会社テスト;東京都港区"
    rows[19_000] = "日本電気株式会社;東京都港区芝"
    table = read_table(("Name;City\n" + "\n".join(rows) + "\n").encode("shift_jis"), "big.csv")
    assert (table.encoding, table.rows[15_000], len(table.rows)) == ("cp932", ("株式会社テスト", "東京都港区"), 20_000)
