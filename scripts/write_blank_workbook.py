"""Write the empty kapacitetsinterview entry workbook shipped in templates/ (after changing the instrument).

    .venv/bin/python scripts/write_blank_workbook.py
"""

from __future__ import annotations

from labkit.data.kapacitet_workbook import BLANK_TEMPLATE, write_blank_template

if __name__ == "__main__":
    write_blank_template()
    print(f"Skrev {BLANK_TEMPLATE}")
