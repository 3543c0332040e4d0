"""The server bench's own pieces: the synthetic repository and its index, the overhead arithmetic, the
typed files' paths and the RESULTS.md section."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.server import figures
from bench.server.cases import synthetic_case
from bench.server.synthetic import repository
from bench.server_bench import typed_path
from harvest.classify import language_of
from harvest.graph.graph import build_graph
from harvest.records import FileRecord
from harvest.units import count_parse_errors


def test_the_synthetic_repository_reaches_its_size_with_varied_parsing_code() -> None:
    files, units = repository(200)
    assert 200 <= len(units) < 230  # a folder's units past the target at most
    again_files, again_units = repository(200)
    assert (again_files, [u.id for u in again_units]) == (files, [u.id for u in units])
    assert repository(200, seed=1)[0] != files
    kinds = Counter(u.kind for u in units)
    assert {"component", "function", "hook", "styled", "test"} <= set(kinds)
    assert len({p.split("/")[1] for p in files}) > 5  # several packages
    assert all(count_parse_errors(language_of(p), t) == 0 for p, t in files.items())


def test_synthetic_components_import_their_neighbours_through_the_code_graph() -> None:
    files, _ = repository(300)
    graph = build_graph([FileRecord(p, "source", language_of(p), len(t), "", t) for p, t in files.items()])
    component = next(p for p, t in files.items() if p.endswith(".tsx") and '"../' in t)
    targets = {b.target for b in graph.files[component].bindings if b.target}
    assert any("/src/" in t and not t.startswith(component.rsplit("/", 1)[0]) for t in targets)


def test_the_synthetic_index_opens_as_a_normal_minilm_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from router.config import load_index_config
    from router.strategies.rag.encoders import default_model
    from router.strategies.rag.focus import Focus
    from router.strategies.rag.retrieve import Retriever

    case = synthetic_case(200, work=tmp_path, rate_sample=0)
    assert case.units >= 200 and "written directly" in case.how
    assert synthetic_case(200, work=tmp_path, rate_sample=0) == case  # prepared once, then reused
    monkeypatch.setenv("IDIOM_HOME", str(case.home))
    retriever = Retriever(case.home / "index", load_index_config(case.repo))
    assert retriever.manifest["model"] == default_model() and retriever.store.wait().count() == case.units
    text = (case.repo / case.document).read_text(encoding="utf-8")
    deps = retriever.search(Focus(path=case.document, language="tsx", prefix=text), 8, "deps")
    assert deps and all(h.path != case.document for h in deps)


def test_percentiles_interpolate_between_ranks() -> None:
    samples = [0.004, 0.001, 0.003, 0.002, 0.005]
    assert figures.percentile(samples, 0.5) == 0.003
    assert figures.percentile(samples, 0.0) == 0.001 and figures.percentile(samples, 1.0) == 0.005
    assert figures.percentile(samples, 0.95) == pytest.approx(0.0048)
    assert figures.summary(samples) == {"n": 5, "p50_ms": 3.0, "p95_ms": 4.8, "p99_ms": 4.96}
    with pytest.raises(ValueError):
        figures.percentile([], 0.5)


def test_overhead_is_the_wait_minus_the_model_call() -> None:
    assert figures.overheads([0.010, 0.250, 0.001], [0.002, 0.200, 0.0015]) == pytest.approx([0.008, 0.05, 0.0])
    with pytest.raises(ValueError):
        figures.overheads([0.1], [])


def test_each_developer_types_in_a_new_file_beside_the_document() -> None:
    assert typed_path("packages/react/toggle/src/toggle.tsx", 3) == "packages/react/toggle/src/toggle3.tsx"
    assert typed_path("app.py", 0) == "app0.py"


def _result(p95: float, first: float) -> dict:
    row = {"n": 10, "p50_ms": 2.0, "p95_ms": p95, "p99_ms": p95 + 1}
    return {"case": "synthetic-100010", "units": 100010, "how": "vectors written directly", "prepared": {"index_s": 9.0},
            "clients": 20, "pause_s": 0.5, "start_s": 0.8, "first_s": first, "first_overhead_s": first,
            "rows": {"baseline": {**row, "p50_ms": 1.0}, "typing": row}, "memory": None}


def test_targets_are_judged_per_case() -> None:
    assert figures.verdicts(_result(14.0, 0.9)) == {"first request ≤ 1 s": True, "p95 ≤ 15 ms typing": True,
                                                  "memory growth < 10%": None}
    assert figures.verdicts(_result(15.5, 9.7))["first request ≤ 1 s"] is False
    assert figures.rows(_result(14.0, 0.9))[1][-1] == "2.00x"


def test_the_results_section_replaces_its_markers_or_the_old_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\n## Language server overhead (issue 7)\n\nold figures\n\n## Trust\n\nkept\n")
    section = figures.markdown([_result(14.0, 0.9)], "python bench/server_bench.py", "2026-12-03", "2 CPUs")
    figures.write_section(results, section)
    text = results.read_text()
    assert "old figures" not in text and text.count(figures.BEGIN) == 1 and text.endswith("## Trust\n\nkept\n")
    assert "| server, 20 typing (~0.5 s apart) | 10 | 2.00 | 14.00 | 15.00 | 2.00x |" in text
    figures.write_section(results, section.replace("14.00", "13.00"))
    again = results.read_text()
    assert again.count(figures.BEGIN) == 1 and "| 13.00 |" in again and again.startswith("# Results\n\n")
    empty = tmp_path / "NEW.md"
    figures.write_section(empty, section)
    assert empty.read_text() == section
