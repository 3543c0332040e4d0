"""ROI: the arithmetic against hand-computed figures, and the report built from stored validation runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from router.config import RoiConfig
from router.database import database
from router.reports.roi import (
    StrategyFigures,
    acceptance_drift,
    break_even,
    drift,
    economics,
    monthly_requests,
    recommend,
)
from server.cli import idiom


def test_break_even_matches_the_seeds_example() -> None:
    # Prompting at $0.075 a request against a fine-tuned model at $0.0092 after $100 of training.
    assert round(break_even(100, 0.075, 0.0092)) == 1520
    assert break_even(100, 0.001, 0.002) is None  # never, when fine-tuning is dearer per request


def test_a_month_at_the_team_volume() -> None:
    config = RoiConfig(team_size=10, requests_per_developer_per_day=50, working_days_per_month=20,
                       minutes_saved_per_accepted=2, minutes_to_fix_failed=1, hourly_cost_usd=60,
                       training_runs_per_month=2)
    assert monthly_requests(config) == 10_000
    tuned = economics(StrategyFigures("finetuned", 100, 90, 0.001, 0.3), config, training_cost=25)
    # 10,000 × $0.001 + 2 runs × $25; saved (9,000 × 2 − 1,000 × 1) minutes = 283.3 h × $60 − $60.
    assert (tuned.monthly_cost, tuned.hours_saved, tuned.net_value) == (60.0, 283.3, 16940.0)
    assert tuned.cost_per_accepted == pytest.approx(0.001 / 0.9)
    prompt = economics(StrategyFigures("few_shot", 100, 90, 0.001, 0.3), config, training_cost=25)
    assert prompt.monthly_cost == 10.0  # no training cost for prompting
    assert "suggests rag" in recommend([tuned, prompt], config) and "Run few_shot." in recommend([tuned, prompt], config)
    assert "improve the pass rates first" in recommend(
        [economics(StrategyFigures("rag", 10, 0, 0.01, 1.0), config, 0)], config)
    control = economics(StrategyFigures("plain", 100, 95, 0.0005, 0.3), config, training_cost=25)
    assert recommend([tuned, prompt, control], config).endswith(
        "no strategy improves on it in these measurements; see the uplift, and grow the suite or check the dataset "
        "and index.")


def test_drift_is_flagged_past_the_margin() -> None:
    assert drift([("r1", 0.9), ("r2", 0.75)], 0.1).startswith("drift: the fine-tuned model passed 75% in run r2")
    assert drift([("r1", 0.9), ("r2", 0.85)], 0.1) == "" and drift([("r1", 0.9)], 0.1) == ""
    used = [True] * 18 + [False] * 2 + [True] * 12 + [False] * 8  # 90% accepted, then 60%
    assert acceptance_drift(used, 20, 0.1).startswith("drift: developers accepted 60%")
    assert acceptance_drift(used[:30], 20, 0.1) == ""  # not two full windows yet


def test_the_report_from_stored_runs(repo: Path) -> None:
    from harvest.store import idiom_home

    with database(repo) as db:
        for run, tuned_passes in (("20260101-a", 19), ("20260102-b", 12)):
            db.exec_driver_sql("INSERT INTO runs VALUES (?, 'now', 's', 'x', 'few_shot,rag,finetuned', 0, '')", (run,))
            for name, passes, cost in (("few_shot", 15, 0.075), ("rag", 17, 0.09), ("finetuned", tuned_passes, 0.0092)):
                db.exec_driver_sql("INSERT INTO results VALUES (?, ?, ?, 'component', 'tsx', ?, '[]', 'm', '', 900, "
                                   "100, ?, 0.4, '')", [(run, name, f"c{n}", int(n < passes), cost) for n in range(20)])
        for n in range(4):  # the request log: four answers served by rag, three judged, two accepted
            db.exec_driver_sql("INSERT INTO requests (at, kind, language, path, strategy, reason, attempts, "
                               "input_tokens, output_tokens, cost_usd, latency_s, outcome) VALUES ('now', "
                               "'component', 'tsx', 'a.tsx', 'rag', 'r', '[]', 900, 100, 0.09, 0.4, 'answered')")
        db.exec_driver_sql("INSERT INTO feedback (request_id, at, outcome, final_text) VALUES (?, 'now', ?, '')",
                           [(1, "accepted"), (2, "accepted"), (3, "rejected")])
        # Both accepted answers were followed: 100 characters each, half of the second deleted after 2 minutes.
        db.exec_driver_sql("INSERT INTO retention (request_id, accepted_at, characters, retained_30s, retained_120s, "
                           "retained_600s, tracked_s, committed) VALUES (?, 'now', 100, 100, ?, ?, 600, ?)",
                           [(1, 100, 100, "yes"), (2, 100, 50, "unknown")])
        # Ghost text: three inline completions by few_shot, one accepted and 80 of its 120 characters kept at 10 min.
        db.exec_driver_sql("INSERT INTO requests (at, kind, language, path, strategy, reason, attempts, input_tokens, "
                           "output_tokens, cost_usd, latency_s, outcome) VALUES ('now', 'inline', 'tsx', 'a.tsx', "
                           "'few_shot', 'r', '[]', 300, 20, 0.002, 0.2, 'answered')", [()] * 3)
        db.exec_driver_sql("INSERT INTO retention (request_id, accepted_at, characters, retained_30s, retained_120s, "
                           "retained_600s, tracked_s, committed) VALUES (5, 'now', 120, 120, 100, 80, 600, 'unknown')")
    done = CliRunner().invoke(idiom, ["roi", str(repo), "--json"], env={"IDIOM_ROI_TRAINING_COST_USD": "100"})
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["break_even_requests"] == {"few_shot": 1520, "rag": 1238}
    assert data["drift"].startswith("drift: the fine-tuned model passed 60%") and not data["offline_model"]
    assert data["usage"]["rag"] == {"requests": 4, "cost_usd": 0.36, "with_feedback": 3, "accepted": 2,
                                    "acceptance": 0.667}
    assert data["retained"]["rag"] == {
        "followed": 2, "characters": 200, "retained_30s": 200, "retained_120s": 200, "retained_600s": 150,
        "committed": {"yes": 1, "no": 0, "unknown": 1}, "share_30s": 1.0, "share_120s": 1.0, "share_600s": 0.75}
    # 80 characters × 0.3 s = 24 s of typing, $0.60 at $90 an hour, less the three completions' $0.006.
    assert data["inline_value"] == {"few_shot": {"requests": 3, "cost_usd": 0.006, "followed": 1, "kept_characters": 80,
                                                 "hours_saved": 0.007, "net_value": 0.594}}
    html = (idiom_home(repo) / "reports" / "roi.html").read_text()
    assert html.count("<svg") == 3 and 'id="strategies"' in html and 'id="usage"' in html and "1,520" in html
    assert 'id="retained"' in html and "75% (150)" in html and "longest common subsequence" in html
    assert 'id="inline-value"' in html and "<td>80</td>" in html
    assert not re.search(r"(src|href)=[\"']https?:", html)  # self-contained: nothing fetched to view it
    markdown = (idiom_home(repo) / "reports" / "roi.md").read_text()
    assert "| few_shot | 3 | $0.01 | 1 | 80 | 0.007 | $0.59 |" in markdown
    assert "| finetuned | 20 | 60% |" in markdown and "| rag | 2 | 200 | 100% (200) | 100% (200) | 75% (150) | 1 | 0 | 1 |" \
        in markdown


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (make test installs it)")
def test_the_report_renders_in_headless_chromium(repo: Path, tmp_path: Path) -> None:
    from PIL import Image

    from harvest.store import idiom_home

    with database(repo) as db:
        db.exec_driver_sql("INSERT INTO runs VALUES ('r1', 'now', 's', 'x', 'few_shot,finetuned', 1, '')")
        for name, passes, cost in (("few_shot", 14, 0.002), ("finetuned", 18, 0.0009)):
            db.exec_driver_sql("INSERT INTO results VALUES ('r1', ?, ?, 'test', 'tsx', ?, '[]', 'm', '', 9, 9, ?, "
                               "0.2, '')", [(name, f"c{n}", int(n < passes), cost) for n in range(20)])
    assert CliRunner().invoke(idiom, ["roi", str(repo)]).exit_code == 0
    page = (idiom_home(repo) / "reports" / "roi.html").as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--window-size=1200,1800"]
    dom = subprocess.run(["chromium", *flags, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<svg") == 2 and 'id="offline-note"' in dom and "finetuned" in dom  # rendered, not just read
    shot = tmp_path / "roi.png"
    subprocess.run(["chromium", *flags, f"--screenshot={shot}", page], capture_output=True, timeout=120, check=True)
    image = Image.open(shot).convert("RGB")
    pixels = list(image.getdata())
    assert sum(p != (255, 255, 255) for p in pixels) / len(pixels) > 0.02  # not a blank page
    green = sum(abs(r - 0x55) < 12 and abs(g - 0xA8) < 12 and abs(b - 0x68) < 12 for r, g, b in pixels)
    assert green > 200  # the fine-tuned model's line and point, drawn in its colour


def test_the_report_shows_uplift_over_plain_on_the_paired_cases(repo: Path) -> None:
    from harvest.store import idiom_home

    runner = CliRunner()
    with database(repo) as db:
        db.exec_driver_sql("INSERT INTO runs VALUES ('r1', 'now', 's', 'x', 'rag,few_shot', 0, '')")
        for name, passes in (("rag", range(1, 17)), ("few_shot", range(8))):
            db.exec_driver_sql("INSERT INTO results VALUES ('r1', ?, ?, 'test', 'tsx', ?, '[]', 'm', '', 9, 9, 0.001, "
                               "0.2, '')", [(name, f"c{n}", int(n in passes)) for n in range(20)])
    without = json.loads(runner.invoke(idiom, ["roi", str(repo), "--json"]).output)
    assert without["uplift"] == [] and without["uplift_note"].startswith("plain (the control) was not validated")
    assert 'id="uplift-note"' in (idiom_home(repo) / "reports" / "roi.html").read_text()
    with database(repo) as db:  # plain in a later run, on the same case ids and one more
        db.exec_driver_sql("INSERT INTO runs VALUES ('r2', 'now', 's', 'x', 'plain', 0, '')")
        db.exec_driver_sql("INSERT INTO results VALUES ('r2', 'plain', ?, 'test', 'tsx', ?, '[]', 'm', '', 9, 9, "
                           "0.0005, 0.2, '')", [(f"c{n}", int(n < 10)) for n in range(21)])
    data = json.loads(runner.invoke(idiom, ["roi", str(repo), "--json"]).output)
    found = {u["strategy"]: u for u in data["uplift"]}
    assert (found["rag"]["cases"], found["rag"]["b"], found["rag"]["c"], found["rag"]["p_value"]) == (20, 7, 1, 0.0703)
    assert found["rag"]["uplift"] == 0.3 and not found["rag"]["significant"]
    assert (found["few_shot"]["b"], found["few_shot"]["c"], found["few_shot"]["uplift"]) == (0, 2, -0.1)
    html = (idiom_home(repo) / "reports" / "roi.html").read_text()
    assert 'id="uplift"' in html and "+30 points" in html and "not significant" in html
    assert "- rag: +30 points over plain on 20 paired cases (b = 7, c = 1, McNemar p = 0.0703): not significant" in (
        idiom_home(repo) / "reports" / "roi.md").read_text()
