"""Options shared by several commands, written once."""
from __future__ import annotations

import click

json_option = click.option("--json", "as_json", is_flag=True,
                           help="In kết quả dạng JSON (đúng dữ liệu thư viện trả về).")
force_option = click.option("--force", is_flag=True, help="Ghi đè tệp kết quả nếu đã có.")
scheme_option = click.option(
    "--scheme", type=click.Choice(["legacy-3tier", "two-tier-2025"]), default=None,
    help="Hệ thống đơn vị hành chính: legacy-3tier (tỉnh – huyện – xã, đến 30/6/2025) hoặc "
         "two-tier-2025 (tỉnh – xã, từ 1/7/2025). Mặc định theo kỳ báo cáo.")
period_option = click.option("--period", required=True,
                             help="Kỳ báo cáo: 2024 (cả năm) hoặc 2024-H1 (6 tháng đầu năm).")
