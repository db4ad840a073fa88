"""What the page says, in Vietnamese and English. Messages about forms come from the library
(the same as the command line); these are the page's own words."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("kh-excel — Số liệu khuyến học", "kh-excel — study-promotion figures"),
    "switch": ("English", "Tiếng Việt"),
    "skip": ("Bỏ qua, đến nội dung chính", "Skip to the main content"),
    "home": ("Trang chủ", "Home"),
    "step_forms": ("Biểu mẫu và nhận biểu", "Forms and submissions"),
    "step_rollup": ("Tổng hợp", "Roll-up"),
    "step_report": ("Báo cáo", "Report"),
    "step_status": ("Tình hình nộp biểu", "Submission status"),
    "choose_title": ("Chọn đơn vị và kỳ báo cáo", "Choose the unit and the period"),
    "choose_help": ("Chọn kỳ báo cáo, rồi gõ tên huyện hoặc tỉnh của Hội (có dấu hay không dấu "
                    "đều được, ví dụ “na ri”) và chọn trong danh sách gợi ý.",
                    "Choose the period, then type the name of your district or province (with or "
                    "without accents, e.g. “na ri”) and pick it from the suggestions."),
    "unit": ("Đơn vị tổng hợp (huyện, tỉnh)", "Unit rolling up (district, province)"),
    "period": ("Kỳ báo cáo", "Period"),
    "year": ("cả năm", "whole year"),
    "half": ("6 tháng đầu năm", "first six months"),
    "scheme_legacy": ("hệ thống tỉnh – huyện – xã", "province – district – commune scheme"),
    "scheme_two": ("hệ thống tỉnh – xã (từ 1/7/2025)", "province – commune scheme (from 1/7/2025)"),
    "open": ("Mở", "Open"),
    "no_match": ("Không có huyện, tỉnh nào tên “{q}” trong {scheme}, theo kỳ {period}. Kiểm tra "
                 "tên, hoặc chọn lại kỳ báo cáo.",
                 "No district or province named “{q}” in the {scheme}, the scheme of {period}. "
                 "Check the name, or choose another period."),
    "no_children": ("{name} không có đơn vị trực thuộc để tổng hợp. Hãy chọn huyện hoặc tỉnh.",
                    "{name} has no units below it to roll up. Choose a district or a province."),
    "forms_title": ("1. Biểu mẫu", "1. Forms"),
    "forms_help": ("Tải một tệp nén chứa biểu mẫu đã ghi sẵn tên đơn vị và kỳ báo cáo, rồi gửi "
                   "cho từng đơn vị điền.",
                   "Download one zip with a pre-filled form for every unit, and send them out."),
    "forms_button": ("Tải biểu mẫu cho {n} {child}", "Download the forms for {n} {child}"),
    "receive_title": ("2. Nhận biểu", "2. Received forms"),
    "drop": ("Kéo thả các tệp biểu mẫu (.xlsx, .xls), cả thư mục, hoặc tệp nén .zip vào đây",
             "Drop the forms (.xlsx, .xls), a whole folder, or a .zip file here"),
    "choose_files": ("Chọn tệp…", "Choose files…"),
    "choose_folder": ("Chọn thư mục…", "Choose a folder…"),
    "uploading": ("Đang tải lên", "Uploading"),
    "reading": ("Đang đọc và kiểm tra biểu", "Reading and checking the forms"),
    "received": ("Đã nhận {n}/{total} {child}", "Received {n} of {total} {child_en}"),
    "missing": ("Chưa nộp: {n}/{total}", "Not received: {n} of {total}"),
    "all_in": ("Đã nhận đủ biểu của {total} {child}.", "All {total} {child_en} have sent a form."),
    "col_unit": ("Đơn vị", "Unit"),
    "col_status": ("Tình trạng", "Status"),
    "col_file": ("Tệp", "File"),
    "col_findings": ("Lỗi và cảnh báo", "Errors and warnings"),
    "col_copy": ("Bản đánh dấu", "Marked-up copy"),
    "no_findings": ("Không có vấn đề", "No problems"),
    "copy_link": ("Tải bản đánh dấu", "Download marked-up copy"),
    "copies_zip": ("Tải tất cả bản đánh dấu (.zip)", "Download all marked-up copies (.zip)"),
    "remove": ("Bỏ tệp", "Remove"),
    "remove_all": ("Bỏ tất cả tệp đã nhận", "Remove every file received"),
    "own_title": ("Biểu của chính {assoc}", "Own form of {assoc}"),
    "own_none": ("Chưa có biểu của chính {assoc} (cột {level}).",
                 "No own form of {assoc} yet (column {level})."),
    "unused_title": ("Tệp không dùng được", "Files that cannot be used"),
    "nothing_yet": ("Chưa nhận tệp nào.", "No files received yet."),
    "status_da_nop": ("Đã nộp", "Received"),
    "status_chua_nop": ("Chưa nộp", "Missing"),
    "status_trung_tep": ("Trùng tệp", "Two files"),
    "status_mot_phan": ("Nộp một phần", "Partly received"),
    "part_of": ("{n}/{m} đơn vị trực thuộc", "{n} of {m} units below"),
    "summary": ("{files} tệp: {loi} lỗi, {canh_bao} cảnh báo.",
                "{files} file(s): {loi} error(s), {canh_bao} warning(s)."),
    "next_rollup": ("Sang bước Tổng hợp →", "Go to the roll-up →"),
    "rollup_title": ("3. Tổng hợp", "3. Roll-up"),
    "rollup_help": ("Cộng số liệu của các biểu đã nhận (và biểu của chính đơn vị) thành biểu tổng "
                    "hợp. Tệp Excel tải về là biểu của cấp mình, dùng để nộp lên cấp trên.",
                    "Add up the forms received (and the unit's own form) into the roll-up. The "
                    "Excel file is your tier's form, to send to the next tier."),
    "rollup_button": ("Tổng hợp", "Roll up"),
    "rollup_none": ("Chưa có biểu nào để tổng hợp: hãy nhận biểu ở bước 2.",
                    "No forms to roll up yet: receive them in step 2."),
    "completeness": ("Đã nhận", "Received"),
    "totals": ("Số liệu chính", "Main figures"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit_col": ("Đơn vị tính", "Unit"),
    "download_rollup": ("Tải tệp tổng hợp {name}", "Download the roll-up {name}"),
    "findings": ("Kiểm tra", "Checks"),
    "counts": ("{loi} lỗi, {canh_bao} cảnh báo", "{loi} error(s), {canh_bao} warning(s)"),
    "no_rollup_findings": ("Không có lỗi hay cảnh báo.", "No errors or warnings."),
    "next_report": ("Sang bước Báo cáo →", "Go to the report →"),
    "report_title": ("4. Báo cáo", "4. Report"),
    "report_help": ("Lập dự thảo báo cáo (thể thức Nghị định 30) hoặc tin bài từ tệp tổng hợp. "
                    "Ô để trống sẽ để chỗ trống trong văn bản (…).",
                    "Draft the report (Decree 30 layout) or a news item from the roll-up. Fields "
                    "left empty stay blank (…) in the document."),
    "report_first": ("Hãy tổng hợp ở bước 3 trước khi lập báo cáo.",
                     "Roll up in step 3 before drafting the report."),
    "style": ("Loại văn bản", "Kind of document"),
    "style_bao_cao": ("Báo cáo tổng kết/sơ kết", "Annual/half-year report"),
    "style_tin_bai": ("Tin bài cho cổng thông tin", "News item for the portal"),
    "so": ("Số văn bản", "Number"),
    "ngay": ("Ngày ký (ví dụ 18/01/2024)", "Date of signing (e.g. 18/01/2024)"),
    "nguoi_ky": ("Người ký", "Signed by"),
    "noi_nhan": ("Nơi nhận (mỗi dòng một nơi; để trống: theo mặc định)",
                 "Recipients (one per line; empty: the defaults)"),
    "tac_gia": ("Tác giả (tin bài)", "Author (news item)"),
    "allow_errors": ("Vẫn lập khi số liệu còn lỗi (văn bản sẽ ghi rõ)",
                     "Draft even though the figures have errors (the draft says so)"),
    "report_has_errors": ("Số liệu tổng hợp còn {count} lỗi nên chưa lập báo cáo. Sửa các biểu "
                          "có lỗi (xem bước Nhận biểu) rồi tổng hợp lại, hoặc đánh dấu ô «Vẫn "
                          "lập khi số liệu còn lỗi» để lập bản dự thảo có ghi rõ điều này.",
                          "The roll-up still has {count} data error(s), so no report was "
                          "drafted. Correct the forms with errors (see Receive forms) and roll "
                          "up again, or tick «Draft even though the figures have errors»."),
    "draft_button": ("Lập dự thảo", "Draft"),
    "preview": ("Xem trước", "Preview"),
    "download_docx": ("Tải bản Word (.docx)", "Download Word (.docx)"),
    "download_md": ("Tải bản chữ (.md)", "Download text (.md)"),
    "error": ("Lỗi", "Error"),
    "unexpected": ("Lỗi không lường trước ({what}). Trang vẫn chạy: hãy thử lại; nếu vẫn lỗi, xin "
                   "báo cho người phát triển kh-excel.",
                   "Unexpected error ({what}). The server is still running: try again; if it "
                   "persists, please tell the kh-excel developers."),
    "refused_host": ("Từ chối: địa chỉ '{host}' không phải máy này. Hãy mở trang bằng địa chỉ "
                     "http://127.0.0.1 in trong cửa sổ lệnh.",
                     "Refused: '{host}' is not this machine. Open the page with the "
                     "http://127.0.0.1 address printed in the terminal."),
    "refused_token": ("Từ chối: thiếu mã truy cập. Hãy mở trang bằng đúng địa chỉ (có ?token=…) "
                      "in trong cửa sổ lệnh khi chạy kh-excel web.",
                      "Refused: no access token. Open the page with the exact address (with "
                      "?token=…) printed in the terminal by kh-excel web."),
    "not_found": ("Không có trang này (phiên làm việc đã hết hoặc địa chỉ sai). Về trang chủ để "
                  "chọn lại đơn vị.", "No such page (the session ended or the address is wrong). "
                  "Go home to choose the unit again."),
    "file_too_big": ("tệp lớn hơn {limit} MB, không nhận. Biểu mẫu chỉ vài chục KB: hãy kiểm tra "
                     "lại tệp.", "larger than {limit} MB, refused. A form is a few dozen KB: "
                     "check the file."),
    "request_too_big": ("một lần gửi lớn hơn {limit} MB. Hãy gửi ít tệp hơn mỗi lần.",
                        "one upload is over {limit} MB. Send fewer files at a time."),
    "session_full": ("phiên làm việc đã nhận quá {limit} GB. Hãy bỏ bớt tệp.",
                     "the session holds over {limit} GB. Remove some files."),
    "not_multipart": ("yêu cầu không chứa tệp.", "the request holds no files."),
    "bad_request": ("việc gửi tệp bị ngắt giữa chừng; hãy gửi lại.",
                    "the upload was cut off; send it again."),
    "bad_zip": ("tệp nén .zip hỏng hoặc có mật khẩu, không mở được.",
                "a damaged or password-protected .zip; it cannot be opened."),
    "zip_too_many": ("tệp nén có hơn {limit} tệp, không mở.", "the zip holds over {limit} files."),
    "zip_too_big": ("tệp nén chứa tệp lớn hơn {limit} MB hoặc quá lớn khi giải nén; không mở.",
                    "the zip holds a file over {limit} MB or unpacks too large; not opened."),
    "refused_files": ("Không nhận", "Not accepted"),
}

CHILD_WORDS = {"xa": ("xã", "communes"), "huyen": ("huyện", "districts"),
               "tinh": ("tỉnh", "provinces")}


def text(key: str, lang: str, **params: object) -> str:
    """The page's text ``key`` in ``lang``, filled with ``params``."""
    vi, en = TEXTS[key]
    return (en if lang == "en" else vi).format(**params)
