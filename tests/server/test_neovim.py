"""The Neovim plugin (editor-extension/nvim) against the real `idiom serve`: a headless Neovim loads the
plugin, opens a file of the example repository, asks for a completion and generates a component, which
the server applies to the buffer with workspace/applyEdit.

Trees with root markers use marker names unique to the test, so a `.git` or `.idiom` in a folder above
the temporary directory (another process's leftover) cannot change which root the plugin finds."""

from __future__ import annotations

import json
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
"""

END_TO_END = PRELUDE + """
idiomatic.setup({ cmd = vim.fn.json_decode(os.getenv("IDIOM_NVIM_CMD")), settings = { latency_budget_s = 30 },
                  filetypes = { "typescriptreact" } })
vim.cmd("edit " .. os.getenv("IDIOM_NVIM_FILE"))
local bufnr = vim.api.nvim_get_current_buf()
out("filetype", vim.bo.filetype)
wait(90000, function() local c = idiomatic.client(bufnr); return c ~= nil and c.initialized end, "initialize")
local client = idiomatic.client(bufnr)
out("client", { root = client.config.root_dir, init_options = client.config.init_options,
                settings = client.config.settings })
out("ui", { keymap = not vim.tbl_isempty(vim.fn.maparg("<leader>ig", "n", false, true)),
            command = vim.fn.exists(":IdiomGenerate") == 2, omnifunc = vim.bo[bufnr].omnifunc })

-- As you type: the completion list on a new line at the end of the file.
vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { "" })
vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(bufnr), 0 })
local answers = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", vim.lsp.util.make_position_params(), 60000)
local answer = answers and answers[client.id]
if not answer or answer.err then fail("completion: " .. vim.inspect(answer)) end
local items = answer.result and (answer.result.items or answer.result) or {}
local first = items[1] or {}
out("completion", { count = #items, insertText = first.insertText, detail = first.detail })
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
                  root_markers = vim.fn.json_decode(os.getenv("IDIOM_NVIM_MARKERS")) })
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


def run_nvim(script: str, tmp_path: Path, cwd: Path, env: dict[str, str], timeout: int = 120) -> tuple[int, dict]:
    """Run a Lua driver in a headless Neovim; (exit code, {tag: value}) from its IDIOM-NVIM lines.

    A driver ends with `qa!`; one that stops on a Lua error reaches `cquit 4` instead of hanging."""
    driver = tmp_path / "driver.lua"
    driver.write_text(script)
    command = ["timeout", str(timeout), NVIM, "--headless", "--clean", "-u", "NONE",
               "-c", f"luafile {driver}", "-c", "cquit 4"]
    done = subprocess.run(command, cwd=cwd, env={**env, "IDIOM_NVIM_PLUGIN": str(PLUGIN)}, capture_output=True,
                          text=True, timeout=timeout + 30, check=False)
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
    env = {**served.env, "IDIOM_NVIM_CMD": json.dumps(served.command), "IDIOM_NVIM_FILE": str(source)}
    code, out = run_nvim(END_TO_END, tmp_path, served.repo, env)

    assert code == 0, out.get("error")
    assert out["api"] == "vim.lsp.start_client"  # Neovim 0.7 here: no vim.lsp.start
    assert out["filetype"] == "typescriptreact"
    assert out["client"]["root"] == str(served.repo)
    assert out["client"]["init_options"] == {"latencyBudgetS": 30}  # camelCase on the wire
    assert out["client"]["settings"] == {"idiomatic": {"latencyBudgetS": 30}}
    assert out["ui"] == {"keymap": True, "command": True, "omnifunc": "v:lua.vim.lsp.omnifunc"}

    assert out["completion"]["count"] == 1
    assert out["completion"]["insertText"].strip() == TAG_TSX.strip()
    assert out["completion"]["detail"].startswith("idiomatic · ")
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
        assert call["init_options"] == settings and call["settings"] == {"idiomatic": settings}
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
