import csv
import io

import pytest

from campaign.csv_export import csv_text, safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+81-90", "-2", "@SUM(A1)", "\tcmd", '＝HYPERLINK("x")'])
def test_formula_starts_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_ordinary_values_are_kept_and_rows_parse_back():
    text = csv_text(["name", "note"], [["さくら", 'say "hi", then =go'], [None, 5]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["さくら", 'say "hi", then =go'], ["", "5"]]
