"""Monorepo scale (issue 19): the harvest's stages on a long history against `git log -p`, same run.

    python bench/scale_bench.py [--commits 100000] [--seed 19] [--repo PATH] [--json]

Without --repo the script generates a synthetic repository of `--commits` commits with `git fast-import`
(a few hundred Python, TypeScript and Go files, a few lines edited per commit, some renames, a merged
topic branch every so often, conventional-commit subjects; the same every run for a seed), cached under
bench/.work/scale/ (never committed). With --repo it measures that repository instead (a clone of it is
made under bench/.work/ so its `.idiom/` stays out of the original).

Each measured stage runs in a fresh process, whose peak resident memory is read from `wait4`'s
rusage (the high-water mark of that process and the children it waited for): the floor, `git log -p` with
the argv the harvest runs (`harvest.mining.history.log_command`); mining (`idiom harvest --no-dataset`);
the dataset build alone (`idiom dataset build`); and the whole `idiom harvest`. Under each command, its own
stages as its --json summary gives them (harvest/stages.py): seconds, the command's peak by then and its
largest child's (`parts` in --json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.pop(0)  # not bench/: its secrets/ folder would shadow the stdlib module numpy imports
sys.path.append(str(ROOT))  # last, so PYTHONPATH can point at another tree to measure it
WORK = ROOT / "bench" / ".work"

LANGUAGES = {"py": "python", "ts": "typescript", "go": "go"}
AREAS = ("api", "billing", "auth", "search", "storage", "jobs", "web", "reports", "users", "events")
TYPES = ("feat", "fix", "refactor", "test", "docs", "chore", "perf")
VERBS = ("add", "handle", "rename", "simplify", "validate", "cache", "log", "retry", "guard", "split")
NOUNS = ("timeout", "empty input", "the client", "pagination", "the token", "errors", "retries", "limits",
         "the parser", "the response")
AUTHORS = tuple(f"Dev {name} <{name.lower()}@example.com>" for name in
                ("Ada", "Brian", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lena"))
MERGE_EVERY = 40  # a topic branch of a few commits, merged with --no-ff, about this often
RENAME_EVERY = 500
START = 1_500_000_000  # author time of the first commit (2017)


@dataclass
class Stage:
    """One measured run: wall seconds, peak RSS in MB, ratio to the floor."""

    name: str
    seconds: float
    peak_mb: float
    ratio: float = 0.0
    load: float = 0.0  # 1-minute load average when the stage ended
    # The command's own stages, from its --json summary (harvest/stages.py): name, seconds, peak_mb, children_peak_mb
    parts: list[dict[str, Any]] = field(default_factory=list)


def _function(language: str, name: str, rng: random.Random) -> list[str]:
    """A small function of `language`, a few statements long."""
    body = [f"value = value + {rng.randint(1, 99)}" for _ in range(rng.randint(2, 6))]
    if language == "py":
        return [f"def {name}(value):", f'    """Return {name.replace("_", " ")}."""',
                *(f"    {line}" for line in body), "    return value", ""]
    if language == "ts":
        return [f"export function {name}(value: number): number {{",
                *(f"  {line};" for line in body), "  return value;", "}", ""]
    return [f"func {name}(value int) int {{", *(f"\t{line}" for line in body), "\treturn value", "}", ""]


def _header(language: str, path: str) -> list[str]:
    if language == "py":
        return [f'"""{path}: generated for the scale bench."""', ""]
    if language == "ts":
        return [f"// {path}: generated for the scale bench.", ""]
    return [f"// {path}: generated for the scale bench.", f"package {path.split('/')[-2]}", ""]


class Synthetic:
    """The repository's files as lists of lines, edited commit by commit with a seeded generator."""

    def __init__(self, seed: int, files: int) -> None:
        self.rng = random.Random(seed)
        self.files: dict[str, list[str]] = {}
        self.counter = 0
        for index in range(files):
            ext = ("py", "ts", "go")[index % 3]
            path = f"{AREAS[index % len(AREAS)]}/{ext}/module_{index}.{ext}"
            self.files[path] = _header(ext, path) + [line for _ in range(self.rng.randint(3, 8))
                                                     for line in self._function(ext)]

    def _function(self, ext: str) -> list[str]:
        self.counter += 1
        return _function(ext, f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS).split()[-1]}_{self.counter}",
                         self.rng)

    def edit(self) -> tuple[list[str], str]:
        """Change one to three files by a few lines; the paths changed and a conventional subject."""
        paths = self.rng.sample(sorted(self.files), self.rng.randint(1, 3))
        for path in paths:
            lines, ext = self.files[path], path.rsplit(".", 1)[1]
            roll = self.rng.random()
            if roll < 0.2:  # a new function at the end
                lines.extend(self._function(ext))
            elif roll < 0.3 and len(lines) > 40:  # a few lines gone
                start = self.rng.randrange(3, len(lines) - 4)
                del lines[start:start + self.rng.randint(1, 3)]
            else:  # a few lines edited
                for _ in range(self.rng.randint(1, 4)):
                    row = self.rng.randrange(2, len(lines))
                    if "value = value +" in lines[row]:
                        lines[row] = lines[row].rsplit("+", 1)[0] + f"+ {self.rng.randint(1, 999)}" + \
                            (";" if ext == "ts" else "")
                    else:
                        lines.insert(row, lines[row][: len(lines[row]) - len(lines[row].lstrip())] +
                                     ("# " if ext == "py" else "// ") + self.rng.choice(NOUNS))
        area = paths[0].split("/")[0]
        subject = f"{self.rng.choice(TYPES)}({area}): {self.rng.choice(VERBS)} {self.rng.choice(NOUNS)}"
        return paths, subject

    def rename(self) -> tuple[str, str]:
        old = self.rng.choice(sorted(self.files))
        folder, name = old.rsplit("/", 1)
        new = f"{folder}/renamed_{self.counter}_{name}"
        self.files[new] = self.files.pop(old)
        return old, new


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n%s\n" % (len(raw), raw)


def generate(target: Path, commits: int, seed: int) -> None:
    """Write a repository of `commits` commits at `target` with one `git fast-import` stream."""
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp)], check=True)
    importer = subprocess.Popen(["git", "-C", str(tmp), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = importer.stdin
    repo = Synthetic(seed, files=300)
    rng = repo.rng
    mark = 0
    main = 0  # the mark main points at
    written = 0
    pr = 1000

    def commit(ref: str, parent: int, subject: str, body: str, paths: list[str], merge: int = 0,
               rename: tuple[str, str] | None = None) -> int:
        nonlocal mark, written
        mark += 1
        written += 1
        when = START + written * 600 + rng.randint(0, 300)
        who = rng.choice(AUTHORS)
        out.write(f"commit {ref}\nmark :{mark}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000\n".encode())
        out.write(_data(subject + ("\n\n" + body if body else "")))
        if parent:
            out.write(f"from :{parent}\n".encode())
        if merge:
            out.write(f"merge :{merge}\n".encode())
        if rename:
            out.write(f"R {rename[0]} {rename[1]}\n".encode())
        for path in paths:
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(_data("\n".join(repo.files[path]) + "\n"))
        return mark

    main = commit("refs/heads/main", 0, "chore: initial import", "", sorted(repo.files))
    while written < commits:
        if written % RENAME_EVERY == 0:
            old, new = repo.rename()
            main = commit("refs/heads/main", main, f"refactor: move {old} to {new}", "", [], rename=(old, new))
        elif written % MERGE_EVERY == 0 and commits - written > 4:
            pr += 1
            tip, touched = main, set()
            for _ in range(rng.randint(2, 3)):
                paths, subject = repo.edit()
                touched.update(paths)
                tip = commit("refs/heads/topic", tip, subject, "", paths)
            main = commit("refs/heads/main", main, f"Merge pull request #{pr} from team/topic-{pr}",
                          subject, sorted(touched), merge=tip)
        else:
            paths, subject = repo.edit()
            if rng.random() < 0.3:
                pr += 1
                subject += f" (#{pr})"
            body = "" if rng.random() < 0.6 else f"Why: {rng.choice(NOUNS)} broke under load.\n\nRefs: T-{rng.randint(1, 9999)}"
            main = commit("refs/heads/main", main, subject, body, paths)
    out.close()
    if importer.wait():
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(tmp), "update-ref", "-d", "refs/heads/topic"], check=False)
    subprocess.run(["git", "-C", str(tmp), "checkout", "-q", "main"], check=True)
    subprocess.run(["git", "-C", str(tmp), "gc", "-q", "--aggressive" if commits < 20_000 else "--auto"], check=True)
    tmp.rename(target)


def measure(name: str, argv: list[str], env: dict[str, str], floor: float = 0.0, summary: bool = False) -> Stage:
    """Run `argv` in a fresh process, in an empty folder (`python -m` puts its folder first on sys.path: in the
    project's it would run this tree's code whatever PYTHONPATH says, and in the idiom home its `harvest/`
    folder would hide the package); its wall time and peak RSS (from wait4, so this child's alone), also
    printed on stderr as soon as the stage ends (a 100k-commit run takes long). With `summary`, the command
    prints a --json summary, whose own stages become the stage's `parts`."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="idiom-scale-cwd-") as empty:
        out = Path(empty) / "summary.json"
        with out.open("wb") as written:  # a file, not a pipe: a pipe left unread while stderr is read could fill
            process = subprocess.Popen(argv, stdout=written if summary else subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       env=env, cwd=empty)
            stderr = process.stderr.read()
            _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{name} failed: {stderr.decode(errors='replace').strip()[-2000:]}")
        parts = _parts(json.loads(out.read_bytes())) if summary else []
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    stage = Stage(name, round(seconds, 2), round(peak, 1), round(seconds / floor, 2) if floor else 1.0,
                  os.getloadavg()[0], parts)
    print("\n".join(_lines(stage)), file=sys.stderr, flush=True)
    return stage


def _parts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The stages a harvest's or a dataset build's --json summary lists, the build's named as such in a whole
    harvest's (which carries the build's summary under `dataset`)."""
    parts = list(summary.get("stages", []))
    if summary.get("dataset"):
        parts = [{**part, "name": f"mining: {part['name']}"} for part in parts]
        parts += [{**part, "name": f"build: {part['name']}"} for part in summary["dataset"].get("stages", [])]
    return parts


def profile(work: Path, top: int = 12, warm: bool = False) -> list[str]:
    """Where the dataset build's memory goes at its peak: tracemalloc's largest allocation sites (grouped by
    line, with the traceback's innermost frame in our code, and for the build cache's lines the caller that
    asked: its decoded entries are what that caller keeps), from a snapshot taken whenever the traced total
    reached a new high by 10% (checked every second by a thread; the build runs in this process, mined first;
    with `warm`, a first build fills the build cache and the second, a re-harvest's, is the one traced)."""
    import threading
    import tracemalloc

    from harvest.config import HarvestConfig
    from harvest.dataset.build import build_dataset
    from harvest.mining.pipeline import mine

    home = Path(tempfile.mkdtemp(prefix="idiom-scale-profile-"))
    os.environ["IDIOM_HOME"] = str(home)
    summary = mine(work, HarvestConfig(), progress=False)
    if warm:
        build_dataset(Path(summary.output), HarvestConfig(), progress=False)
    best: dict[str, object] = {"bytes": 0, "snapshot": None}
    done = threading.Event()

    def watch() -> None:
        while not done.wait(1.0):
            current = tracemalloc.get_traced_memory()[0]
            if current > 1.1 * best["bytes"]:  # a snapshot takes seconds: only at a clearly higher high
                best["bytes"], best["snapshot"] = current, tracemalloc.take_snapshot()

    tracemalloc.start(8)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        build_dataset(Path(summary.output), HarvestConfig(), progress=False)
    finally:
        done.set()
        watcher.join()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        shutil.rmtree(home, ignore_errors=True)
    lines = [f"traced peak {peak / 1e6:.0f} MB; largest sites at the sampled high ({best['bytes'] / 1e6:.0f} MB):"]
    snapshot = best["snapshot"]
    sites: dict[str, list[int]] = {}  # innermost frame in harvest/ -> [bytes, blocks]
    for stat in snapshot.statistics("traceback") if snapshot else ():
        ours = [f for f in stat.traceback if f"{os.sep}harvest{os.sep}" in f.filename] or list(stat.traceback)
        where = _site(ours[-1])
        if ours[-1].filename.endswith(f"dataset{os.sep}cache.py"):
            callers = [f for f in ours if not f.filename.endswith(f"dataset{os.sep}cache.py")]
            where += f" <- {_site(callers[-1])}" if callers else ""
        site = sites.setdefault(where, [0, 0])
        site[0] += stat.size
        site[1] += stat.count
    for where, (size, count) in sorted(sites.items(), key=lambda kv: -kv[1][0])[:top]:
        lines.append(f"  {size / 1e6:8.1f} MB {count:>9} blocks  {where}")
    return lines


def _site(frame: object) -> str:
    """A traceback frame as `folder/file.py:line`."""
    path = Path(frame.filename)
    return f"{path.parent.name}/{path.name}:{frame.lineno}"


def _lines(stage: Stage) -> list[str]:
    """The stage's line, then one per part (its seconds, this process's peak by then and its children's)."""
    return [f"  {stage.name:<16}{stage.seconds:>9.2f}s{stage.peak_mb:>11.0f} MB{stage.ratio:>7.2f}x{stage.load:>7.2f}",
            *(f"    {part['name']:<30}{part['seconds']:>9.2f}s{part['peak_mb']:>8.0f} MB"
              f"  children {part['children_peak_mb']:.0f} MB" for part in stage.parts)]


def _prepare(args: argparse.Namespace) -> Path:
    if args.repo:
        source = Path(args.repo).resolve()
        named = source.parent if source.name == "repo" else source  # the fetch tool's snapshots end in /repo
        work = WORK / "scale" / f"repo-{named.name.replace('+', '-')}"
        if not work.exists():
            subprocess.run(["git", "clone", "-q", "--no-local", str(source), str(work)], check=True)
        return work
    work = WORK / "scale" / f"synthetic-{args.commits}-{args.seed}"
    if not work.exists():
        work.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(work, args.commits, args.seed)
        print(f"generated {work.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return work


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repo", default="", help="measure this repository instead of a synthetic one")
    parser.add_argument("--stages", default="floor,mining,dataset,harvest",
                        help="which stages to run, comma-separated (the floor always runs)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true",
                        help="instead of timing, show where the dataset build's memory goes (tracemalloc)")
    parser.add_argument("--warm", action="store_true",
                        help="with --profile: trace a second build, which finds the first one's cache")
    args = parser.parse_args()
    work = _prepare(args)
    if args.profile:
        print("\n".join(profile(work, warm=args.warm)))
        return 0

    import git

    from harvest.config import HarvestConfig
    from harvest.mining.history import log_command

    repo = git.Repo(work)
    commits = int(repo.git.rev_list("--count", "HEAD"))
    floor_cmd = log_command(repo, ["HEAD"], HarvestConfig())
    size = len(subprocess.run(floor_cmd, capture_output=True, check=True).stdout)  # also warms the page cache
    home = Path(tempfile.mkdtemp(prefix="idiom-scale-"))
    env = {**os.environ, "IDIOM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    idiom = [sys.executable, "-m", "server"]
    wanted = set(args.stages.split(","))
    try:
        floor = measure("git log -p", floor_cmd, env)
        stages = [floor]
        if "mining" in wanted or "dataset" in wanted:
            stages.append(measure("mining", [*idiom, "harvest", str(work), "--no-dataset", "--json"], env,
                                  floor.seconds, summary=True))
        if "dataset" in wanted:
            stages.append(measure("dataset build", [*idiom, "dataset", "build", str(work), "--json"], env,
                                  floor.seconds, summary=True))
        if "harvest" in wanted:
            stages.append(measure("whole harvest", [*idiom, "harvest", str(work), "--json"], env, floor.seconds, summary=True))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps({"repository": work.name, "commits": commits, "patch_mb": round(size / 1e6, 1),
                          "stages": [asdict(s) for s in stages]}, indent=2))
        return 0
    print(f"repository: {work.name} ({commits} commits, {size / 1e6:.1f} MB of patches)")
    print(f"  {'stage':<16}{'time':>10}{'peak memory':>14}{'ratio':>8}{'load':>7}")
    for stage in stages:
        print("\n".join(_lines(stage)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
