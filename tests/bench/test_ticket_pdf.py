"""The ticket-PDF bench row renders a real ticket with the photo and the QR code (no timing asserted)."""

import subprocess

import ticket_pdf as ticket_bench


def test_the_bench_row_renders_a_one_page_ticket_with_the_photo(tmp_path):
    result = ticket_bench.measure(runs=2)
    assert result["measured"]["requests"] == 2 and result["measured"]["errors"] == 0
    path = tmp_path / "ticket.pdf"
    path.write_bytes(result["body"])
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()[2:]) == 2  # the headshot and the QR code
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "010624100032" in text and "国际贸易理论与实务" in text
    label, _ = ticket_bench.verdict(result)
    assert label.startswith("median ≤ 100 ms") and "CPU" in label and result["cpu_p50"] > 0
