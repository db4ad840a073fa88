#!/usr/bin/env bash
# The main job on the bundled example (huyện Na Rì, 2023, illustrative figures):
# make the forms, check what the communes sent back, roll them up, draft the report and the
# news item, and mark up the broken forms.
# Output goes to out/ (created; existing files there are replaced).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out

echo "== 1. Biểu mẫu cho 17 xã, thị trấn của huyện Na Rì (kỳ báo cáo năm 2023)"
kh-excel template --children-of "Huyện Na Rì" --period 2023 --out-dir out/bieu-mau --force

echo "== 2. Kiểm tra các biểu đã nộp"
kh-excel check examples/na-ri-2023

echo "== 2b. Ghi nhận bản tổng hợp năm 2022 của huyện vào kho lịch sử (để so sánh năm trước)"
kh-excel check examples/na-ri-2022

echo "== 3. Tổng hợp 17 xã với biểu cấp huyện thành biểu tổng hợp của huyện"
kh-excel rollup examples/na-ri-2023 --unit "Huyện Na Rì" --period 2023 -o out/na-ri-2023-tong-hop.xlsx --force

echo "== 4. Tổng hợp tỉnh Thái Nguyên (hệ thống hai cấp, 2025) từ các xã đã nộp"
kh-excel rollup examples/thai-nguyen-2025 --unit "Tỉnh Thái Nguyên" --period 2025 -o out/thai-nguyen-2025-tong-hop.xlsx --force

echo "== 5. Dự thảo báo cáo tổng kết và tin bài của huyện Na Rì từ tệp tổng hợp"
kh-excel report out/na-ri-2023-tong-hop.xlsx -o out/na-ri-2023-bao-cao.docx --text out/na-ri-2023-bao-cao.md --force
kh-excel report out/na-ri-2023-tong-hop.xlsx --style tin-bai -o out/na-ri-2023-tin-bai.docx --text out/na-ri-2023-tin-bai.md --force
kh-excel report out/thai-nguyen-2025-tong-hop.xlsx -o out/thai-nguyen-2025-bao-cao.docx --force

echo "== 6. Kiểm tra các biểu có lỗi, ghi bản sao đánh dấu để gửi trả lại"
status=0
# --no-store: these are deliberately broken copies, not forms the communes sent.
kh-excel check examples/broken --annotate out/tra-lai --force --no-store || status=$?
# Exit code 1 means "findings of severity error": expected for these deliberately broken files.
[ "$status" -eq 1 ] || { echo "unexpected exit code $status" >&2; exit 1; }
echo "Xong. Kết quả trong thư mục out/."
