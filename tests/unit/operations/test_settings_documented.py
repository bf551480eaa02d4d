"""README's settings table and the settings `load_settings` reads cannot drift apart: 16 of
them (PSI_LOGIN_*, PSI_HEADER_TIMEOUT_S, ...) were read and never documented."""

from __future__ import annotations

import re
from pathlib import Path

from entrypoints.settings import load_settings, setting_variables, unknown_variables

REPO = Path(__file__).resolve().parents[3]
_NAME = re.compile(r"`(PSI_[A-Z0-9_]+)`")


def _table_rows() -> list[list[str]]:
    readme = (REPO / "README.md").read_text()
    start = readme.index("| variable | default | meaning |")
    table = readme[start : readme.index("\n\n", start)]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert rows and all(len(row) == 3 for row in rows), "a row is not variable | default | meaning"
    return rows


def test_every_setting_has_a_row_and_every_row_names_settings() -> None:
    documented = [name for row in _table_rows() for name in _NAME.findall(row[0])]
    read = setting_variables()
    missing = sorted(set(read) - set(documented))
    assert not missing, f"read by load_settings, not in README's settings table: {missing}"
    extra = sorted(set(documented) - set(read))
    assert not extra, f"in README's settings table, not a setting: {extra}"
    twice = sorted({n for n in documented if documented.count(n) > 1})
    assert not twice, f"in more than one row: {twice}"


def test_every_psi_name_in_the_table_is_a_real_setting() -> None:
    named = {name for row in _table_rows() for cell in row for name in _NAME.findall(cell)}
    assert not sorted(named - set(setting_variables()))


def test_each_documented_variable_reaches_its_setting(tmp_path: Path) -> None:
    """The names are the ones `load_settings` reads (not only the field names upper-cased)."""
    assert unknown_variables(dict.fromkeys(setting_variables(), "1")) == []
    s = load_settings(
        {"PSI_LOGIN_MAX_DELAY_S": "1.5", "PSI_HEADER_TIMEOUT_S": "3"}, var_dir=tmp_path
    )
    assert (s.login_max_delay_s, s.header_timeout_s) == (1.5, 3.0)


def test_tracing_follows_otel_not_a_psi_variable(tmp_path: Path) -> None:
    """PSI_TRACING used to pass as a known setting and was then overwritten from OTEL_*:
    now it is reported like any unknown variable."""
    assert [k for k, _ in unknown_variables({"PSI_TRACING": "true"})] == ["PSI_TRACING"]
    assert load_settings({"PSI_TRACING": "true"}, var_dir=tmp_path).tracing is False
