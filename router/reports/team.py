"""The ROI report's team view, from a team database's request log: per repository, kind and strategy (requests,
answered, cost, feedback and acceptance), and per developer only as counts, never a name or an id (a lead
reading it learns how use is spread, not who used it), unless the lead asks for the tokens' names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from router.storage.schema import feedback, requests
from router.storage.tokens import all_tokens


def team_view(db: Connection, repositories: Sequence[str], named: bool = False) -> dict[str, Any]:
    """The team's figures over `repositories` (the ones the reader may see); with `named`, each developer's
    counts carry the name of the token they used."""
    mine = requests.c.repository.in_(list(repositories))
    groups = (requests.c.repository, requests.c.kind, requests.c.strategy)
    used = db.execute(select(*groups, func.count(), func.sum(case((requests.c.outcome == "answered", 1), else_=0)),
                             func.sum(requests.c.cost_usd))
                      .where(mine).group_by(*groups).order_by(*groups)).all()
    judged = {tuple(row[:3]): (int(row[3] or 0), int(row[4]))
              for row in db.execute(select(*groups, func.sum(case((feedback.c.outcome == "accepted", 1), else_=0)),
                                           func.count())
                                    .select_from(feedback.join(requests, requests.c.id == feedback.c.request_id))
                                    .where(mine).group_by(*groups))}
    rows = []
    for repository, kind, strategy, count, answered, cost in used:
        accepted, rated = judged.get((repository, kind, strategy), (0, 0))
        rows.append({"repository": repository, "kind": kind, "strategy": strategy, "requests": count,
                     "answered": int(answered or 0), "cost_usd": round(float(cost or 0.0), 6), "feedback": rated,
                     "accepted": accepted, "acceptance": round(accepted / rated, 3) if rated else None})
    per_developer = db.execute(select(requests.c.developer, func.count(), func.sum(requests.c.cost_usd))
                               .where(mine, requests.c.developer != "").group_by(requests.c.developer)).all()
    names = {token.developer: token.name for token in all_tokens(db)} if named else {}
    developers = sorted(({"requests": count, "cost_usd": round(float(cost or 0.0), 6),
                          **({"name": names.get(developer, "(unknown token)")} if named else {})}
                         for developer, count, cost in per_developer), key=lambda d: (-d["requests"], -d["cost_usd"]))
    return {"by_repository_kind_strategy": rows, "developers": developers}


def team_markdown(view: dict[str, Any]) -> str:
    """The team view as a Markdown section (appended to the Markdown report)."""
    lines = ["", "## Team", "", "| repository | kind | strategy | requests | answered | cost (USD) | acceptance |",
             "|---|---|---|---:|---:|---:|---:|"]
    for row in view["by_repository_kind_strategy"]:
        acceptance = "–" if row["acceptance"] is None else f"{row['acceptance']:.0%} of {row['feedback']}"
        lines.append(f"| {row['repository']} | {row['kind']} | {row['strategy']} | {row['requests']} | "
                     f"{row['answered']} | {row['cost_usd']:.4f} | {acceptance} |")
    counts = ", ".join(f"{d['name']} {d['requests']}" if "name" in d else str(d["requests"])
                       for d in view["developers"]) or "none"
    shown = "by token name" if any("name" in d for d in view["developers"]) else "counts only"
    lines += ["", f"Requests per developer ({shown}, largest first): {counts}", ""]
    return "\n".join(lines)
