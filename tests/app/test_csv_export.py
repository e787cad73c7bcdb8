import csv
import io

import pytest

from campaign.csv_export import csv_response, csv_text, safe_cell


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://evil.example","Click")',
        "@SUM(A1)",
        "\tcmd",
        "\r=1+1",
        '＝HYPERLINK("x")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "+A1",
        "-SUM(1,2)",
        "+",
        "＋81 90",
    ],
)
def test_formula_starts_are_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["+81 90-1234-5678", "+81-90", "-2", "-1.5", "+1 (555) 010-0000", "090-1234-5678", "1,200"]
)
def test_phone_numbers_and_signed_numbers_are_kept_as_typed(value):
    """A courier's system imports the winners' file as is: "'+81 90-…" is a wrong phone number."""
    assert safe_cell(value) == value


def test_the_csv_response_names_its_charset_once(app):
    with app.test_request_context():
        response = csv_response("x.csv", ["phone"], [["+81 90-1234-5678"]])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.get_data(as_text=True) == "\ufeffphone\r\n+81 90-1234-5678\r\n"


def test_ordinary_values_are_kept_and_rows_parse_back():
    text = csv_text(["name", "note"], [["さくら", 'say "hi", then =go'], [None, 5]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["さくら", 'say "hi", then =go'], ["", "5"]]
