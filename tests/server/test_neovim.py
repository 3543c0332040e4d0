"""The Neovim plugin (editor-extension/nvim) against the real `idiom serve`: a headless Neovim loads the
plugin, opens a file of the example repository, asks for a completion and generates a component, which
the server applies to the buffer with workspace/applyEdit. Before any of that, the plugin asks whether to
trust a project root (or reads the answer it kept, or setup()'s trusted_roots), and starts the program
it finds on PATH's absolute entries only.

Trees with root markers use marker names unique to the test, so a `.git` or `.idiom` in a folder above
the temporary directory (another process's leftover) cannot change which root the plugin finds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.server.conftest import TAG_TSX

PLUGIN = Path(__file__).resolve().parents[2] / "editor-extension" / "nvim"
NVIM = shutil.which("nvim")
needs_nvim = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (apt-get install neovim)")


# Shared by the drivers: load the plugin from the work tree, print one tagged JSON value per line.
PRELUDE = """
local function out(tag, value) io.stdout:write("IDIOM-NVIM " .. tag .. " " .. vim.fn.json_encode(value) .. "\\n") end
local function fail(message) out("error", message); io.stdout:flush(); vim.cmd("cquit 3") end
local function wait(ms, check, what) if not vim.wait(ms, check, 50) then fail("timed out waiting for " .. what) end end
vim.opt.runtimepath:prepend(os.getenv("IDIOM_NVIM_PLUGIN"))
local idiomatic = require("idiomatic")
out("api", idiomatic.api())
-- The buffer's client once initialized.
local function attached(bufnr)
  wait(90000, function() local c = idiomatic.client(bufnr); return c ~= nil and c.initialized end, "initialize")
  return idiomatic.client(bufnr)
end
-- As you type: the completion list's items on a new line at the end of the buffer.
local function complete_at_end(bufnr, client)
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "" })
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(bufnr), 0 })
  local answers = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", vim.lsp.util.make_position_params(), 60000)
  local answer = answers and answers[client.id]
  if not answer or answer.err then fail("completion: " .. vim.inspect(answer)) end
  return answer.result and (answer.result.items or answer.result) or {}
end
"""

END_TO_END = PRELUDE + """
idiomatic.setup({ cmd = vim.fn.json_decode(os.getenv("IDIOM_NVIM_CMD")), settings = { latency_budget_s = 30 },
                  filetypes = { "typescriptreact" }, trusted_roots = { vim.fn.getcwd() } })
vim.cmd("edit " .. os.getenv("IDIOM_NVIM_FILE"))
local bufnr = vim.api.nvim_get_current_buf()
out("filetype", vim.bo.filetype)
local client = attached(bufnr)
out("client", { root = client.config.root_dir, init_options = client.config.init_options,
                settings = client.config.settings })
out("ui", { keymap = not vim.tbl_isempty(vim.fn.maparg("<leader>ig", "n", false, true)),
            command = vim.fn.exists(":IdiomGenerate") == 2, omnifunc = vim.bo[bufnr].omnifunc })

local items = complete_at_end(bufnr, client)
local first = items[1] or {}
local details, ids = {}, {}
for _, item in ipairs(items) do
  table.insert(details, item.detail)
  table.insert(ids, item.command.arguments[1].requestId)
end
out("completion", { count = #items, insertText = first.insertText, details = details, ids = ids })
wait(10000, function() return idiomatic.decision(bufnr) ~= nil end, "idiom/decision")
out("decision", idiomatic.decision(bufnr))

-- Generate at the cursor: the server answers and applies the edit with workspace/applyEdit.
local tick, generated = vim.api.nvim_buf_get_changedtick(bufnr), nil
idiomatic.generate("Create a Tag component with a tone prop",
                   { on_result = function(err, result) generated = { err = err, result = result } end })
wait(90000, function() return vim.api.nvim_buf_get_changedtick(bufnr) > tick end, "the generated edit")
wait(30000, function() return generated ~= nil end, "the idiom.generate answer")
out("generated", generated)
out("lines", vim.api.nvim_buf_get_lines(bufnr, 0, -1, false))

-- Feedback on that answer (what :IdiomAccept sends).
local feedback = nil
idiomatic.feedback("accepted", { on_result = function(err, result) feedback = { err = err, result = result } end })
wait(30000, function() return feedback ~= nil end, "idiom.feedback")
out("feedback", feedback)

-- The other commands, through the plugin's functions (what :IdiomExplain, :IdiomValidate, ... call).
local done = {}
local function collect(name) return function(err, result) done[name] = { err = err, result = result } end end
idiomatic.explain(bufnr, collect("explain"))
idiomatic.validate(bufnr, collect("validate"))
idiomatic.reindex(collect("reindex"))
idiomatic.report(collect("report"))
wait(90000, function() return vim.tbl_count(done) == 4 end, "explain, validate, reindex and report")
out("commands", done)
vim.cmd("IdiomExplain") -- opens a floating window
wait(10000, function() return #vim.api.nvim_list_wins() > 1 end, "the :IdiomExplain window")
local float = vim.api.nvim_list_wins()[2]
out("explained", vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false))
vim.api.nvim_win_close(float, true)

-- The command with a range rewrites those lines (here the first two, the imports).
tick, generated = vim.api.nvim_buf_get_changedtick(bufnr), nil
vim.cmd("1,2IdiomGenerate Rewrite these imports")
wait(90000, function() return vim.api.nvim_buf_get_changedtick(bufnr) > tick end, "the rewrite")
out("rewritten", vim.api.nvim_buf_get_lines(bufnr, 0, 4, false))

vim.lsp.stop_client(client.id)
wait(10000, function() return client.is_stopped() end, "the client to stop")
io.stdout:flush()
vim.cmd("qa!")
"""

NEWER_API = PRELUDE + """
-- Neovim 0.8+ has vim.lsp.start; stand one in that records what the plugin passes it.
local calls = {}
vim.lsp.start = function(config, opts)
  table.insert(calls, { name = config.name, cmd = config.cmd, root_dir = config.root_dir,
                        init_options = config.init_options, settings = config.settings,
                        file = vim.api.nvim_buf_get_name(opts.bufnr),
                        handlers = vim.tbl_keys(config.handlers) })
  return nil
end
out("api_with_start", idiomatic.api())
vim.cmd("edit loose.tsx") -- opened before setup: attached by setup
idiomatic.setup({ cmd = { vim.v.progpath, "--version" }, filetypes = { "typescriptreact", "typescript" },
                  settings = { inline_enabled = false, maxTokens = 64, strategies = { "rag" } },
                  root_markers = vim.fn.json_decode(os.getenv("IDIOM_NVIM_MARKERS")),
                  trusted_roots = { vim.fn.getcwd() } })
vim.cmd("edit proj/src/deep/a.tsx")
vim.cmd("edit proj/pkg/b.ts")
vim.cmd("edit proj/src/c.py") -- not a configured filetype
out("calls", calls)

-- The range :IdiomGenerate sends: charwise from a characterwise selection, else whole lines.
vim.cmd("enew")
vim.api.nvim_buf_set_lines(0, 0, -1, false, { "héllo wörld", "second", "third" })
local function range(keys, line1, line2, encoding)
  vim.cmd('execute "normal! ' .. keys .. '\\\\<Esc>"')
  return idiomatic.selection_range(0, line1, line2, encoding)
end
out("ranges", { range("gg0lvj0ll", 1, 2, "utf-16"), range("gg0v7l", 1, 1, "utf-16"), range("gg0v7l", 1, 1, "utf-8"),
                range("ggVj", 1, 2, "utf-16"), range("ggjVj", 2, 3, "utf-16"), range("gg0v7l", 2, 3, "utf-16") })
vim.cmd("qa!")
"""


TRUST = PRELUDE + """
-- Stand-ins for Neovim's own API: vim.lsp.start records what would start, vim.notify what the user reads,
-- and (for one step) an attached UI whose confirm() dialog answers "Diagnostics only".
local calls, notes, asked = {}, {}, {}
vim.lsp.start = function(config, opts)
  table.insert(calls, { cmd = config.cmd, root = config.root_dir, init_options = config.init_options })
  return nil
end
vim.notify = function(message, level) table.insert(notes, { message = message, level = level }) end
local function step(name, action)
  calls, notes = {}, {}
  action()
  out(name, { calls = calls, notes = notes })
end
local function trust_file()
  local file = vim.fn.stdpath("data") .. "/idiomatic/trust.json"
  return vim.fn.filereadable(file) == 1 and table.concat(vim.fn.readfile(file), "\\n") or nil
end

idiomatic.setup({ cmd = { vim.v.progpath, "--version" }, filetypes = { "typescriptreact" },
                  root_markers = vim.fn.json_decode(os.getenv("IDIOM_NVIM_MARKERS")),
                  trusted_roots = { vim.fn.getcwd() .. "/work" } })
step("remembered_trusted", function() vim.cmd("edit known/a.tsx") end)
step("remembered_never", function() vim.cmd("edit never/a.tsx") end)
step("trusted_roots", function() vim.cmd("edit work/proj/a.tsx") end)
step("untrust_in_trusted_roots", function() vim.cmd("IdiomUntrust") end)
step("headless_unknown", function() vim.cmd("edit stranger/a.tsx | edit stranger/b.tsx") end)
out("after_headless", trust_file())

local real_uis, real_confirm = vim.api.nvim_list_uis, vim.fn.confirm
vim.api.nvim_list_uis = function() return { { width = 80, height = 24 } } end
vim.fn.confirm = function(message, choices, default, kind)
  table.insert(asked, { message = message, choices = choices, default = default, kind = kind })
  return 2
end
step("asked", function() vim.cmd("edit asked/a.tsx | edit asked/b.tsx") end)
vim.api.nvim_list_uis, vim.fn.confirm = real_uis, real_confirm
out("confirm", asked)

step("trust_command", function() vim.cmd("edit stranger/a.tsx | IdiomTrust") end)
step("untrust_bang", function() vim.cmd("IdiomUntrust!") end)
out("trust_file", vim.fn.json_decode(trust_file()))

vim.fn.writefile({ "{not json" }, vim.fn.stdpath("data") .. "/idiomatic/trust.json")
step("corrupt", function() vim.cmd("edit asked/a.tsx | IdiomTrust") end)
out("corrupt_kept", trust_file())
vim.cmd("qa!")
"""

RESTART = PRELUDE + """
-- The repository was answered "Diagnostics only" in an earlier session (the test wrote trust.json).
idiomatic.setup({ cmd = vim.fn.json_decode(os.getenv("IDIOM_NVIM_CMD")), settings = { latency_budget_s = 30 },
                  filetypes = { "typescriptreact" } })
local function trust_file()
  return vim.fn.json_decode(table.concat(vim.fn.readfile(vim.fn.stdpath("data") .. "/idiomatic/trust.json"), "\\n"))
end
vim.cmd("edit " .. os.getenv("IDIOM_NVIM_FILE"))
local bufnr = vim.api.nvim_get_current_buf()
local first = attached(bufnr)
out("diagnostics_only", first.config.init_options)
local validated = nil
idiomatic.validate(bufnr, function(err, result) validated = { err = err, result = result } end)
wait(30000, function() return validated ~= nil end, "idiom.validateFile")
out("validated", validated)

vim.cmd("IdiomTrust")
wait(90000, function()
  local c = idiomatic.client(bufnr)
  return c ~= nil and c.id ~= first.id and c.initialized
end, "the server to restart trusted")
local second = idiomatic.client(bufnr)
out("trusted", { init_options = second.config.init_options, first_stopped = first.is_stopped(), kept = trust_file() })
local generated = nil
idiomatic.generate("Create a Tag component with a tone prop",
                   { on_result = function(err, result) generated = { err = err, result = result } end })
wait(90000, function() return generated ~= nil end, "idiom.generate")
out("generated", generated)

vim.cmd("IdiomUntrust!")
wait(30000, function() return #vim.lsp.get_active_clients() == 0 end, "the server to stop")
local settled = false -- queued after the exited client's own re-attach, which must start nothing
vim.schedule(function() settled = true end)
wait(10000, function() return settled end, "the re-attach to run")
out("stopped", { attached = idiomatic.client(bufnr) ~= nil, active = #vim.lsp.get_active_clients(),
                 kept = trust_file() })
io.stdout:flush()
vim.cmd("qa!")
"""

PROGRAM = PRELUDE + """
-- Which program the plugin would start for `cmd[1]` under a given PATH (the cwd is the cloned repository).
local program = require("idiomatic.program")
local function find(name, path)
  vim.env.PATH = path
  local found, problem = program.find(name)
  return { found = found or vim.NIL, problem = problem or vim.NIL }
end
local mine = os.getenv("IDIOM_NVIM_MINE")
out("found", {
  find("idiom", "bin::.:" .. mine),
  find("idiom", "bin:.:"),
  find("./bin/idiom", mine),
  find(mine .. "/idiom", ""),
  find(mine, ""),
})
vim.cmd("qa!")
"""


def run_nvim(script: str, tmp_path: Path, cwd: Path, env: dict[str, str], timeout: int = 120) -> tuple[int, dict]:
    """Run a Lua driver in a headless Neovim; (exit code, {tag: value}) from its IDIOM-NVIM lines.

    A driver ends with `qa!`; one that stops on a Lua error reaches `cquit 4` instead of hanging."""
    driver = tmp_path / "driver.lua"
    driver.write_text(script)
    command = ["timeout", str(timeout), NVIM, "--headless", "--clean", "-u", "NONE",
               "-c", f"luafile {driver}", "-c", "cquit 4"]
    # stdpath("data"), where the plugin keeps its trust answers, in the test's own folder.
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), **env, "IDIOM_NVIM_PLUGIN": str(PLUGIN)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout + 30,
                          check=False)
    found = {m.group(1): json.loads(m.group(2))
             for m in re.finditer(r"IDIOM-NVIM (\w+) (.*)$", done.stdout, re.MULTILINE)}
    print(done.stdout[-4000:], done.stderr[-4000:], sep="\n--- stderr ---\n")
    return done.returncode, found


@needs_nvim
@pytest.mark.slow
def test_neovim_completes_and_generates_against_the_real_server(served, tmp_path: Path) -> None:
    served.script.text = TAG_TSX
    source = served.repo / "src/components/Button/Button.tsx"
    assert source.is_file()
    before = source.read_text()
    env = {**served.env, "IDIOM_NVIM_CMD": json.dumps(served.command), "IDIOM_NVIM_FILE": str(source),
           "IDIOM_ROUTER_ALTERNATIVES": "1", "IDIOM_ROUTER_EXPLORATION": "0"}
    code, out = run_nvim(END_TO_END, tmp_path, served.repo, env)

    assert code == 0, out.get("error")
    assert out["api"] == "vim.lsp.start_client"  # Neovim 0.7 here: no vim.lsp.start
    assert out["filetype"] == "typescriptreact"
    assert out["client"]["root"] == str(served.repo)
    assert out["client"]["init_options"] == {"latencyBudgetS": 30, "trusted": True}  # camelCase on the wire
    assert out["client"]["settings"] == {"idiomatic": {"latencyBudgetS": 30}}
    assert out["ui"] == {"keymap": True, "command": True, "omnifunc": "v:lua.vim.lsp.omnifunc"}

    # [router] alternatives = 1: the list holds the routed answer and another strategy's, each with its own
    # request id, which the item's command (sent on CompleteDone) reports when that one is chosen.
    assert out["completion"]["count"] == 2
    assert out["completion"]["insertText"].strip() == TAG_TSX.strip()
    assert [detail.split(" · ")[:2] for detail in out["completion"]["details"]] == [["idiomatic", "few_shot"],
                                                                                  ["idiomatic", "rag"]]
    assert len(set(out["completion"]["ids"])) == 2
    decision = out["decision"]
    assert decision["uri"] == source.as_uri() and decision["answered"] is True

    generated = out["generated"]
    assert generated.get("err") is None
    assert generated["result"]["text"].strip() == TAG_TSX.strip() and generated["result"]["applied"] is True
    lines = "\n".join(out["lines"])
    assert "export const Tag: FC<TagProps>" in lines and TAG_TSX.strip() in lines
    assert "export const Button" in lines  # inserted at the cursor, nothing replaced
    assert out["feedback"]["result"] == {"recorded": True, "requestId": generated["result"]["requestId"]}

    commands = out["commands"]
    assert all("err" not in answer for answer in commands.values()), commands
    assert commands["explain"]["result"]["requestId"] == generated["result"]["requestId"]
    assert commands["explain"]["result"]["attempts"][0]["passed"] is True
    assert commands["validate"]["result"]["violations"] == []  # the team's own Button follows its conventions
    assert commands["reindex"]["result"]["units"] > 0
    assert all(Path(commands["report"]["result"][key]).is_file() for key in ("html", "markdown", "json"))
    assert any("few_shot" in line for line in out["explained"])

    assert out["rewritten"][:2] == TAG_TSX.splitlines()[:2]
    assert "import { StyledButton }" not in "\n".join(out["rewritten"])
    assert source.read_text() == before  # the buffer was never written


@needs_nvim
@pytest.mark.slow
def test_trust_commands_restart_the_real_server(served, tmp_path: Path) -> None:
    served.script.text = TAG_TSX
    repo = served.repo.resolve()
    (tmp_path / "data/nvim/idiomatic").mkdir(parents=True)
    (tmp_path / "data/nvim/idiomatic/trust.json").write_text(json.dumps({str(repo): "diagnostics"}))
    env = {**served.env, "IDIOM_NVIM_CMD": json.dumps(served.command),
           "IDIOM_NVIM_FILE": str(repo / "src/components/Button/Button.tsx")}
    code, out = run_nvim(RESTART, tmp_path, repo, env)

    assert code == 0, out.get("error")
    assert out["diagnostics_only"] == {"latencyBudgetS": 30, "trusted": False}  # asked nothing: remembered
    assert out["validated"].get("err") is None and out["validated"]["result"]["violations"] == []
    assert out["trusted"] == {"init_options": {"latencyBudgetS": 30, "trusted": True}, "first_stopped": True,
                              "kept": {str(repo): "trusted"}}
    generated = out["generated"]
    assert generated.get("err") is None and generated["result"]["text"].strip() == TAG_TSX.strip()
    assert out["stopped"] == {"attached": False, "active": 0, "kept": {str(repo): "never"}}


def unique_markers() -> tuple[str, str]:
    """Root markers standing for `.git` and `.idiom` that no folder above the test's tree can hold."""
    token = uuid.uuid4().hex[:12]
    return f".git-{token}", f".idiom-{token}"


def build_tree(base: Path, files: list[str]) -> None:
    for rel in files:
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text("\n")


@needs_nvim
@pytest.mark.parametrize("stray_markers_above", [False, True], ids=["clean", "stray-markers-above"])
def test_the_plugin_uses_vim_lsp_start_where_it_exists(tmp_path: Path, stray_markers_above: bool) -> None:
    git, idiom = unique_markers()
    tree = tmp_path / "tree"
    build_tree(tree, [f"proj/{git}/HEAD", "proj/src/deep/a.tsx", f"proj/pkg/{idiom}/keep", "proj/pkg/b.ts",
                      "proj/src/c.py", "loose.tsx"])
    if stray_markers_above:  # what a `/tmp/.idiom` left by another process looks like from the tree
        build_tree(tmp_path, [".git/HEAD", ".idiom/keep"])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "IDIOM_NVIM_MARKERS": json.dumps([git, idiom])}
    code, out = run_nvim(NEWER_API, tmp_path, tree, env, 30)

    assert code == 0, out.get("error")
    assert out["api"] == "vim.lsp.start_client" and out["api_with_start"] == "vim.lsp.start"
    calls = out["calls"]
    assert [(Path(c["file"]).relative_to(tree).as_posix(), c["root_dir"]) for c in calls] == [
        ("loose.tsx", str(tree)),  # no marker above: the cwd
        ("proj/src/deep/a.tsx", str(tree / "proj")),  # the .git stand-in
        ("proj/pkg/b.ts", str(tree / "proj/pkg")),  # the .idiom stand-in, nearer than the .git one
    ]
    settings = {"inlineEnabled": False, "maxTokens": 64, "strategies": ["rag"]}
    for call in calls:
        assert call["name"] == "idiomatic" and call["cmd"][1] == "--version"
        assert call["init_options"] == {**settings, "trusted": True}  # the cwd is in trusted_roots
        assert call["settings"] == {"idiomatic": settings}  # trust is no setting: only initialize carries it
        assert {"idiom/decision", "window/logMessage"} <= set(call["handlers"])

    def at(line: int, character: int) -> dict:
        return {"line": line, "character": character}

    assert [(r["start"], r["end"]) for r in out["ranges"]] == [
        (at(0, 1), at(1, 3)),  # from é (one UTF-16 unit, two bytes) to the c of "second", inclusive
        (at(0, 0), at(0, 8)),  # through ö
        (at(0, 0), at(0, 10)),  # the same in UTF-8 bytes
        (at(0, 0), at(2, 0)),  # whole lines with their line break
        (at(1, 0), at(2, 5)),  # whole lines up to the end of the buffer
        (at(1, 0), at(2, 5)),  # a range that is not the last selection: whole lines
    ]


@needs_nvim
def test_the_plugin_asks_once_per_root_and_keeps_the_answer(tmp_path: Path) -> None:
    git, _ = unique_markers()
    tree = tmp_path / "tree"
    roots = ("known", "never", "work/proj", "stranger", "asked")
    build_tree(tree, [f"{root}/{git}/HEAD" for root in roots] + [f"{root}/{name}.tsx" for root in roots
                                                                   for name in ("a", "b")])
    data = tmp_path / "data"
    (data / "nvim/idiomatic").mkdir(parents=True)
    (data / "nvim/idiomatic/trust.json").write_text(json.dumps({str(tree / "known"): "trusted",
                                                                 str(tree / "never"): "never"}))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "IDIOM_NVIM_MARKERS": json.dumps([git])}
    code, out = run_nvim(TRUST, tmp_path, tree, env, 30)
    assert code == 0, out.get("error")

    def started(step: str) -> list[tuple[str, bool]]:
        return [(Path(c["root"]).relative_to(tree).as_posix(), c["init_options"]["trusted"]) for c in out[step]["calls"]]

    def lines(step: str) -> list[str]:
        return [note["message"] for note in out[step]["notes"]]

    # Answers kept from an earlier session, and the user's trusted_roots (a folder above the root): no question.
    assert started("remembered_trusted") == [("known", True)] and lines("remembered_trusted") == []
    assert started("remembered_never") == [] and lines("remembered_never") == []
    assert started("trusted_roots") == [("work/proj", True)]
    assert started("untrust_in_trusted_roots") == []
    assert lines("untrust_in_trusted_roots") == [
        f"Idiomatic: {tree / 'work/proj'} is in trusted_roots of your setup(); remove it there first"]

    # Headless, nobody can answer: nothing starts, one line for the root (two files), nothing is kept.
    assert started("headless_unknown") == []
    assert lines("headless_unknown") == [
        f"Idiomatic: not started for {tree / 'stranger'} (no UI to ask whether to trust it); :IdiomTrust or "
        ":IdiomUntrust there, or add it to trusted_roots in setup()"]
    assert out["after_headless"] == json.dumps({str(tree / "known"): "trusted", str(tree / "never"): "never"},
                                               separators=(", ", ": "))

    # With a UI: asked once for the root, "Don't start" is the default, "Diagnostics only" sends trusted=false.
    assert started("asked") == [("asked", False), ("asked", False)]
    [question] = out["confirm"]
    assert question["message"].startswith(f"Idiomatic: start `idiom serve` for {tree / 'asked'}?")
    assert (question["choices"], question["default"]) == ("&Trust\n&Diagnostics only\n&Don't start", 3)

    # :IdiomTrust starts the root's server trusted (for both its open files); :IdiomUntrust! keeps it from
    # starting. Every answer is remembered.
    assert started("trust_command") == [("stranger", True), ("stranger", True)]
    assert lines("trust_command") == [f"Idiomatic: {tree / 'stranger'}: trusted: completions, generation and "
                                      "conventions"]
    assert started("untrust_bang") == []
    assert out["trust_file"] == {str(tree / "known"): "trusted", str(tree / "never"): "never",
                                 str(tree / "asked"): "diagnostics", str(tree / "stranger"): "never"}

    # An unreadable trust file is left as it is; the answer holds for the session, with one line saying so.
    assert started("corrupt") == [("asked", True), ("asked", True)]
    trust_file = data / "nvim/idiomatic/trust.json"
    assert lines("corrupt") == [f"Idiomatic: {trust_file} is not a JSON object of root -> answer; fix or delete "
                                "it (your answer holds until Neovim quits)",
                                f"Idiomatic: {tree / 'asked'}: trusted: completions, generation and conventions"]
    assert out["corrupt_kept"] == "{not json"


@needs_nvim
def test_the_program_comes_from_absolute_path_entries_never_the_project(tmp_path: Path) -> None:
    repo, mine = tmp_path / "repo", tmp_path / "mine"
    for program, says in ((repo / "bin/idiom", "theirs"), (repo / "idiom", "theirs"), (mine / "idiom", "mine")):
        program.parent.mkdir(parents=True, exist_ok=True)
        program.write_text(f"#!/bin/sh\necho {says}\n")
        program.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "IDIOM_NVIM_MINE": str(mine)}
    code, out = run_nvim(PROGRAM, tmp_path, repo, env, 30)
    assert code == 0, out.get("error")

    found, only_relative, relative, absolute, folder = out["found"]
    assert found == {"found": str(mine / "idiom"), "problem": None}  # bin, "" and . are inside the project
    assert only_relative["found"] is None
    assert only_relative["problem"] == ("`idiom` is not on PATH (relative PATH entries are skipped); install "
                                        "idiomatic, or set cmd in your setup() to its absolute path")
    assert relative["problem"].startswith("cmd[1] must be a program name on PATH or an absolute path, not ./bin/idiom")
    assert absolute == {"found": str(mine / "idiom"), "problem": None}
    assert folder["problem"] == f"{mine} is not executable; fix cmd in your setup()"
    # What the server's spawn would have run without the lookup: the project's own `idiom`.
    bare = subprocess.run(["idiom"], cwd=repo, env={"PATH": "bin:/usr/bin:/bin"}, capture_output=True, text=True,
                          check=False)
    assert bare.stdout.strip() == "theirs"
