"""Browser tests of what a screen shows run on one database.

A page's markup, layout and script do not depend on the database, and every data path behind them runs on
SQLite and PostgreSQL in the tests beside the code; in Chromium, each test on both cost about a third of the
suite's time. A browser test about the database's own behaviour (a send repeated from the Back button, a
campaign closed meanwhile, analytics written to PostgreSQL's partitions) keeps both."""

import pytest

ONE_DATABASE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
