"""Write the small input files the engine io tests read (tests/core/test_engine_source.py).

Run from the repository root: ``python tests/data/engine/io/make_fixtures.py``.  Text files are committed;
Parquet inputs are built by the tests themselves in a temporary folder (see ``parquet_orders`` there), except the
damaged one here, whose bytes are fixed.

* ``orders_ok.csv``        five order lines, English headers, a customer id with leading zeros.
* ``orders_ok_2.csv``      two more lines, same columns (several CSV files read as one table).
* ``orders_yen.csv``       amounts written ``¥1,234.50`` (messy text: the pandas path's parser is needed).
* ``orders_dmy.csv``       dates written ``05/01/2024`` (messy text).
* ``orders_gbk.csv``       Chinese headers and names in GBK (DuckDB and Spark read UTF-8 only).
* ``orders.xlsx``          a real one-sheet workbook (Excel stays on the pandas path).
* ``orders.json``          a file of another kind.
* ``broken.parquet``       the first 40 bytes of a Parquet file: magic number, no footer.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[3]))  # the repository root, for crm_core

OK_ROWS = (
    "order_id,customer_id,order_date,amount,product\n"
    "1001,00123,2024-01-05,12.50,Tea\n"
    "1002,00123,2024-02-10 09:30:00,7.25,Cup\n"
    "1003,00456,2024-02-11,30,Tea\n"
    "1004,00789,2024-03-01,-7.25,Cup\n"
    "1005,00456,2024-03-02,4.5,Spoon\n"
)
OK_ROWS_2 = (
    "order_id,customer_id,order_date,amount,product\n"
    "1006,00999,2024-04-01,10,Tea\n"
    "1007,00123,2024-04-02,5,Cup\n"
)
YEN_ROWS = (
    "订单号,客户ID,下单时间,金额\n"
    'A1,C1,2024-01-05,"¥1,234.50"\n'
    'A2,C2,2024-01-06,"¥88.00"\n'
    'A3,C1,2024-01-07,"¥2,000.00"\n'
)
DMY_ROWS = (
    "order_id,customer_id,order_date,amount\n"
    "1,c1,05/01/2024,10\n"
    "2,c2,17/01/2024,20\n"
    "3,c1,03/02/2024,30\n"
)
GBK_ROWS = "订单号,客户ID,下单时间,金额,商品名称\nA1,张三,2024-01-05,10,茶叶\nA2,李四,2024-01-06,20,茶杯\n"


def main() -> None:
    (HERE / "orders_ok.csv").write_text(OK_ROWS, encoding="utf-8")
    (HERE / "orders_ok_2.csv").write_text(OK_ROWS_2, encoding="utf-8")
    (HERE / "orders_yen.csv").write_text(YEN_ROWS, encoding="utf-8")
    (HERE / "orders_dmy.csv").write_text(DMY_ROWS, encoding="utf-8")
    (HERE / "orders_gbk.csv").write_bytes(GBK_ROWS.encode("gbk"))
    (HERE / "orders.json").write_text('[{"customer_id": "c1", "amount": 10}]\n', encoding="utf-8")
    (HERE / "broken.parquet").write_bytes(b"PAR1" + b"\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00" * 3 + b"\x00" * 2)

    import pandas as pd

    from crm_core import export

    frame = pd.DataFrame({"customer_id": ["c1", "c2"], "amount": [10.0, 20.0], "order_date": ["2024-01-05"] * 2})
    (HERE / "orders.xlsx").write_bytes(export.to_excel_bytes({"orders": frame}))


if __name__ == "__main__":
    main()
