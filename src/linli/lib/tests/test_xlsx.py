import io

from openpyxl import load_workbook

from linli.lib.xlsx import xlsx_bytes


def read_back(rows):
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("名单", ["姓名", "数"], rows)]))).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def test_an_export_with_a_control_character_in_a_name_still_downloads_without_it():
    assert read_back([["张\x07梅英\x00", 3]]) == [["张梅英", 3]]


def test_a_name_typed_like_a_formula_is_exported_as_text_not_run():
    rows = read_back([['=HYPERLINK("http://x.example","点我")', 1], ["-", 2], ["+86 138", 3]])
    assert rows[0][0] == '=HYPERLINK("http://x.example","点我")'
    assert [r[0] for r in rows[1:]] == ["-", "+86 138"]
    data = io.BytesIO(xlsx_bytes([("名单", ["姓名"], [["=1+1"]])]))
    sheet = load_workbook(data).active
    assert sheet["A2"].data_type == "s"
