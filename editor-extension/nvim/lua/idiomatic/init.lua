-- Idiomatic for Neovim: starts `idiom serve` (one client per project root) for the configured
-- filetypes and exposes its commands (docs/editor-protocol.md) as :Idiom* commands and a keymap.
-- A root the user has not trusted (trust.lua) is asked about first; "diagnostics only" starts the server
-- with initializationOptions.trusted = false. Works on 0.7 (vim.lsp.start_client + buf_attach_client)
-- and on 0.8+ (vim.lsp.start).
local program = require("idiomatic.program")
local trust = require("idiomatic.trust")

local M = {}

local defaults = {
  cmd = { "idiom", "serve" }, -- only ever from the user's setup(): no project file can set it
  settings = {}, -- the server's settings (camelCase keys; snake_case is converted)
  keymap = "<leader>ig", -- generate (normal: at the cursor, visual: rewrite the selection); false = none
  filetypes = { "typescript", "typescriptreact", "javascript", "javascriptreact", "python" },
  root_markers = { ".git", ".idiom" },
  trusted_roots = {}, -- project roots (and the folders inside them) started trusted without asking
  decision_level = vim.log.levels.DEBUG, -- vim.notify level of each idiom/decision; false = keep silent
}

M.config = vim.deepcopy(defaults)
local clients = {} -- root directory -> client id
local restarting = {} -- client id -> true while it stops to be started again with a new trust answer
local answered = {} -- root directory -> this session's answer when it is not remembered (or cannot be)
local decisions = {} -- document uri -> its last idiom/decision
local last_request = {} -- document uri -> requestId of the last answer (for :IdiomAccept / :IdiomReject)
M.messages = {} -- the last window/logMessage texts (also written to the LSP log)

local function notify(msg, level)
  vim.notify("Idiomatic: " .. msg, level or vim.log.levels.INFO)
end

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

-- client.request/notify became methods in 0.11; the dot form is deprecated there.
local function request(client, method, params, handler, bufnr)
  if has("0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if has("0.11") then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

-- A client that is shutting down (its server restarts with a new trust answer) serves no buffer.
local function stopped(client)
  if has("0.11") then
    return client:is_stopped()
  end
  return client.is_stopped()
end

--- Which Neovim API starts the server here: "vim.lsp.start" (0.8+) or "vim.lsp.start_client" (0.7).
function M.api()
  return type(vim.lsp.start) == "function" and "vim.lsp.start" or "vim.lsp.start_client"
end

local function camel(settings)
  local out = {}
  for key, value in pairs(settings or {}) do
    out[(key:gsub("_(%w)", string.upper))] = value
  end
  return out
end

--- The project root of a file: the nearest directory holding one of the root markers, else the cwd.
function M.root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return vim.fn.getcwd()
    end
    dir = parent
  end
end

--- The Idiomatic client attached to a buffer (nil when none).
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(attached) do
    if client.name == "idiomatic" and not stopped(client) then
      return client
    end
  end
end

--- The last idiom/decision the server sent for a buffer (nil before the first answer).
function M.decision(bufnr)
  return decisions[vim.uri_from_bufnr((bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr)]
end

local function cost(value)
  return type(value) == "number" and string.format("$%.5f", value) or "$?"
end

local handlers = {
  ["idiom/decision"] = function(_, d)
    if type(d) ~= "table" or not d.uri then
      return
    end
    decisions[d.uri] = d
    if d.answered then
      last_request[d.uri] = d.requestId
    end
    if M.config.decision_level then
      notify(string.format("%s · %s · %s · %s", d.strategy or "?", d.kind or "?", cost(d.costUsd),
        d.answered and "answered" or ("nothing: " .. tostring(d.reason))), M.config.decision_level)
    end
  end,
  ["window/logMessage"] = function(_, m)
    local log = require("vim.lsp.log")
    local level = ({ "error", "warn", "info", "debug" })[m.type] or "info"
    log[level]("idiomatic", m.message)
    table.insert(M.messages, m.message)
    if #M.messages > 200 then
      table.remove(M.messages, 1)
    end
  end,
}

local function on_attach(client, bufnr)
  if vim.bo[bufnr].omnifunc == "" then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc" -- <C-x><C-o> lists the suggestion on 0.7
  end
  if M.config.keymap then
    vim.keymap.set("n", M.config.keymap, function() M.generate() end,
      { buffer = bufnr, desc = "Idiomatic: generate at the cursor" })
    vim.keymap.set("x", M.config.keymap, ":IdiomGenerate<CR>",
      { buffer = bufnr, silent = true, desc = "Idiomatic: rewrite the selection" })
  end
end

local attach_root

local function client_config(root, cmd, trusted)
  local settings = camel(M.config.settings)
  return {
    name = "idiomatic",
    cmd = cmd,
    cmd_cwd = root,
    root_dir = root,
    -- Trust goes to the server at initialize only; changing it restarts the server.
    init_options = vim.tbl_extend("force", settings, { trusted = trusted }),
    settings = { idiomatic = settings },
    handlers = handlers,
    on_attach = on_attach,
    on_init = function(client)
      client_notify(client, "workspace/didChangeConfiguration", { settings = { idiomatic = settings } })
    end,
    on_exit = function(_, _, client_id)
      if clients[root] == client_id then
        clients[root] = nil
      end
      if restarting[client_id] then
        restarting[client_id] = nil
        vim.schedule(function() attach_root(root) end) -- on_exit runs in a loop callback
      end
    end,
  }
end

--- How the server may start for `root`: trusted when setup()'s trusted_roots hold it, else this
--- session's latest answer or the remembered one, else the user's, asked once. A root nobody can answer
--- for is not started, with one line saying so.
local function decide(root)
  local answer, source = trust.answer(root, M.config.trusted_roots)
  if source ~= "trusted_roots" then
    answer = answered[root] or answer
  end
  if answer then
    return answer
  end
  local why
  answer, why = trust.ask(root)
  if not answer then
    answered[root] = trust.NEVER
    notify(string.format("not started for %s (%s); :IdiomTrust or :IdiomUntrust there, or add it to "
      .. "trusted_roots in setup()", root, why), vim.log.levels.WARN)
    return trust.NEVER
  end
  answered[root] = answer
  local ok, not_kept = trust.remember(root, answer)
  if not ok then
    notify(not_kept, vim.log.levels.WARN)
  end
  return answer
end

--- Attach a buffer to the client of its root, starting the server when the root has none.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or vim.bo[bufnr].buftype ~= "" or M.client(bufnr) then
    return
  end
  local path, problem = program.find(M.config.cmd[1])
  if not path then
    vim.notify_once("Idiomatic: " .. problem, vim.log.levels.WARN)
    return
  end
  local root = M.root(name)
  local answer = decide(root)
  if answer == trust.NEVER then
    return
  end
  local config = client_config(root, vim.list_extend({ path }, M.config.cmd, 2), answer == trust.TRUSTED)
  if M.api() == "vim.lsp.start" then
    clients[root] = vim.lsp.start(config, { bufnr = bufnr }) -- reuses a client per name + root
    return clients[root]
  end
  local existing = clients[root] and vim.lsp.get_client_by_id(clients[root])
  if not existing or stopped(existing) then
    clients[root] = vim.lsp.start_client(config)
  end
  if clients[root] then
    vim.lsp.buf_attach_client(bufnr, clients[root])
  end
  return clients[root]
end

--- Attach every loaded buffer of the configured filetypes whose project root is `root`.
function attach_root(root)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
      and M.root(vim.api.nvim_buf_get_name(bufnr)) == root then
      M.attach(bufnr)
    end
  end
end

--- Change how the server runs for the current buffer's root (trust.TRUSTED, DIAGNOSTICS or NEVER),
--- remember it, and restart the root's server accordingly (stop it, for NEVER).
function M.set_trust(answer, bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return notify("open a file of the project first", vim.log.levels.ERROR)
  end
  local root = M.root(name)
  local _, source = trust.answer(root, M.config.trusted_roots)
  if source == "trusted_roots" and answer ~= trust.TRUSTED then
    return notify(root .. " is in trusted_roots of your setup(); remove it there first", vim.log.levels.ERROR)
  end
  answered[root] = answer
  local ok, not_kept = trust.remember(root, answer)
  if not ok then
    notify(not_kept, vim.log.levels.WARN)
  end
  notify(root .. ": " .. trust.describe(answer))
  local client = clients[root] and vim.lsp.get_client_by_id(clients[root])
  if not client then
    attach_root(root)
  elseif answer == trust.NEVER or client.config.init_options.trusted ~= (answer == trust.TRUSTED) then
    restarting[client.id] = true -- its on_exit attaches the root's buffers again, under the new answer
    vim.lsp.stop_client(client.id)
  end
end

local function not_attached()
  notify("no server attached to this buffer (its filetype is not in setup's filetypes?)", vim.log.levels.ERROR)
end

--- Run one of the server's commands with its single object argument; `on_result(err, result)` or a
--- notification on error.
function M.execute(command, argument, bufnr, on_result)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    return not_attached()
  end
  request(client, "workspace/executeCommand", { command = command, arguments = { argument } },
    function(err, result)
      if err then
        notify(command .. ": " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
      if on_result then
        on_result(err, result ~= vim.NIL and result or nil)
      end
    end, bufnr)
  return client
end

-- A byte column of a buffer line as an LSP character offset in the client's encoding.
local function character(bufnr, row, col, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  col = math.min(col, #line)
  if encoding == "utf-8" then
    return col
  end
  if has("0.11") then
    return vim.str_utfindex(line, encoding, col, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return encoding == "utf-32" and utf32 or utf16
end

--- The LSP range of lines line1..line2 (1-based), charwise from the '< '> marks when the last visual
--- selection was characterwise and is what the command's range covers.
function M.selection_range(bufnr, line1, line2, encoding)
  local from, to = vim.api.nvim_buf_get_mark(bufnr, "<"), vim.api.nvim_buf_get_mark(bufnr, ">")
  if vim.fn.visualmode() == "v" and from[1] == line1 and to[1] == line2 then
    local line = vim.api.nvim_buf_get_lines(bufnr, to[1] - 1, to[1], false)[1] or ""
    local last = vim.fn.strcharpart(line:sub(to[2] + 1), 0, 1) -- the selection includes this character
    return { start = { line = from[1] - 1, character = character(bufnr, from[1] - 1, from[2], encoding) },
             ["end"] = { line = to[1] - 1, character = character(bufnr, to[1] - 1, to[2] + #last, encoding) } }
  end
  if line2 < vim.api.nvim_buf_line_count(bufnr) then -- whole lines, with their line break
    return { start = { line = line1 - 1, character = 0 }, ["end"] = { line = line2, character = 0 } }
  end
  return { start = { line = line1 - 1, character = 0 },
           ["end"] = { line = line2 - 1, character = character(bufnr, line2 - 1, math.huge, encoding) } }
end

--- Ask the server to generate code for `instruction` (prompted for when empty) and let it apply the
--- answer with workspace/applyEdit. opts: bufnr, range (LSP range: rewrite it), line1/line2 (the
--- command's range), position (LSP position; default the cursor), on_result(err, result).
function M.generate(instruction, opts)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = M.client(bufnr)
  if not client then
    return not_attached()
  end
  local encoding = client.offset_encoding or "utf-16"
  local range = opts.range or (opts.line1 and M.selection_range(bufnr, opts.line1, opts.line2, encoding))
  if not instruction or instruction == "" then
    vim.ui.input({ prompt = range and "Idiomatic, rewrite the selection: " or "Idiomatic, generate: " },
      function(input)
        if input and input ~= "" then
          M.generate(input, vim.tbl_extend("force", opts, { bufnr = bufnr, range = range }))
        end
      end)
    return
  end
  local position = opts.position
  if not position then
    local win = vim.fn.bufwinid(bufnr)
    local cursor = vim.api.nvim_win_get_cursor(win ~= -1 and win or 0)
    position = { line = cursor[1] - 1, character = character(bufnr, cursor[1] - 1, cursor[2], encoding) }
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local argument = { uri = uri, instruction = instruction, position = position, range = range }
  return M.execute("idiom.generate", argument, bufnr, function(err, result)
    if result then
      last_request[uri] = result.requestId
      if (result.text or "") == "" then
        notify("nothing passed the team's rules: " .. tostring(result.reason), vim.log.levels.WARN)
      else
        notify(string.format("%s · %s%s — :IdiomAccept or :IdiomReject", result.strategy, cost(result.costUsd),
          result.applied and "" or " · the edit was not applied"), vim.log.levels.INFO)
      end
    end
    if opts.on_result then
      opts.on_result(err, result)
    end
  end)
end

--- Tell the server what became of an answer: "accepted", "rejected" or "edited" (opts.final_text).
--- Defaults to the buffer's last answer (a completion or a generate).
function M.feedback(outcome, opts)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local id = opts.request_id or last_request[vim.uri_from_bufnr(bufnr)]
  if not id then
    return notify("no answer to give feedback on in this buffer yet", vim.log.levels.WARN)
  end
  return M.execute("idiom.feedback", { requestId = id, outcome = outcome, finalText = opts.final_text }, bufnr,
    opts.on_result or function(err)
      if not err then
        notify(outcome .. " (request " .. id .. ")")
      end
    end)
end

local function show(lines)
  vim.lsp.util.open_floating_preview(lines, "markdown", { focus_id = "idiomatic", border = "rounded" })
end

--- Why the last answer in this buffer was chosen (the server's idiom.explain, else the stored decision).
function M.explain(bufnr, on_result)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return M.execute("idiom.explain", { uri = vim.uri_from_bufnr(bufnr) }, bufnr, on_result or function(_, d)
    d = d or M.decision(bufnr)
    if not d then
      return notify("no decision for this buffer yet")
    end
    local lines = { string.format("**%s** for a %s · %s · %ss", d.strategy, d.kind, cost(d.costUsd),
      tostring(d.latencyS)), "", tostring(d.reason) }
    for _, a in ipairs(d.attempts or {}) do
      table.insert(lines, string.format("- %s %s: %s", a.passed and "✓" or "✗", a.strategy, a.reason))
    end
    for _, source in ipairs(d.sources or {}) do
      table.insert(lines, "- source: " .. source)
    end
    show(lines)
  end)
end

function M.validate(bufnr, on_result)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return M.execute("idiom.validateFile", { uri = vim.uri_from_bufnr(bufnr) }, bufnr, on_result or function(_, r)
    if r then
      local lines = { #r.violations .. " convention violation(s) (also shown as diagnostics)" }
      for _, v in ipairs(r.violations) do
        table.insert(lines, string.format("%d: %s: %s", v.line, v.rule, v.message))
      end
      notify(table.concat(lines, "\n"), #r.violations > 0 and vim.log.levels.WARN or vim.log.levels.INFO)
    end
  end)
end

function M.reindex(on_result)
  notify("reindexing…")
  return M.execute("idiom.reindex", vim.empty_dict(), 0, on_result or function(_, r)
    if r then
      notify(string.format("indexed %d units (%d embedded, %d removed) in %.1fs", r.units, r.embedded, r.removed,
        r.seconds))
    end
  end)
end

function M.report(on_result)
  return M.execute("idiom.report", vim.empty_dict(), 0, on_result or function(_, r)
    if r then
      notify("report: " .. r.html .. "\n" .. r.markdown .. "\n" .. r.json)
    end
  end)
end

--- Send new settings to every running client (workspace/didChangeConfiguration).
function M.configure(settings)
  M.config.settings = vim.tbl_extend("force", M.config.settings, settings)
  local sent = { settings = { idiomatic = camel(M.config.settings) } }
  for _, id in pairs(clients) do
    local client = vim.lsp.get_client_by_id(id)
    if client then
      client.config.settings = sent.settings
      client_notify(client, "workspace/didChangeConfiguration", sent)
    end
  end
end

-- Omnifunc completion runs no item command on 0.7: send the item's idiom.feedback "accepted" ourselves.
local function complete_done()
  local item = vim.v.completed_item
  local lsp = type(item) == "table" and type(item.user_data) == "table" and item.user_data.nvim
    and item.user_data.nvim.lsp
  local command = lsp and lsp.completion_item and lsp.completion_item.command
  if type(command) == "table" and command.command == "idiom.feedback" and M.client(0) then
    M.execute("idiom.feedback", command.arguments[1], 0, function() end)
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  for _, key in ipairs({ "cmd", "filetypes", "root_markers", "trusted_roots" }) do
    M.config[key] = (opts or {})[key] or M.config[key] -- a list replaces the default list, not merged
  end
  local group = vim.api.nvim_create_augroup("idiomatic", { clear = true })
  vim.api.nvim_create_autocmd("FileType", { group = group, pattern = M.config.filetypes,
    callback = function(args) M.attach(args.buf) end })
  vim.api.nvim_create_autocmd("CompleteDone", { group = group, callback = complete_done })

  local command = vim.api.nvim_create_user_command
  command("IdiomGenerate", function(c)
    M.generate(c.args, c.range > 0 and { line1 = c.line1, line2 = c.line2 } or {})
  end, { nargs = "*", range = true, desc = "Idiomatic: generate at the cursor, or rewrite the range" })
  command("IdiomExplain", function() M.explain() end, { desc = "Idiomatic: why the last answer" })
  command("IdiomValidate", function() M.validate() end, { desc = "Idiomatic: check this file's conventions" })
  command("IdiomReindex", function() M.reindex() end, { desc = "Idiomatic: rebuild the retrieval index" })
  command("IdiomReport", function() M.report() end, { desc = "Idiomatic: build the ROI report" })
  command("IdiomAccept", function(c)
    M.feedback("accepted", { request_id = tonumber(c.args) })
  end, { nargs = "?", desc = "Idiomatic: the last answer was taken" })
  command("IdiomReject", function(c)
    M.feedback("rejected", { request_id = tonumber(c.args) })
  end, { nargs = "?", desc = "Idiomatic: the last answer was dismissed" })
  command("IdiomTrust", function() M.set_trust(trust.TRUSTED) end,
    { desc = "Idiomatic: trust this project (completions and generation) and restart its server" })
  command("IdiomUntrust", function(c) M.set_trust(c.bang and trust.NEVER or trust.DIAGNOSTICS) end,
    { bang = true, desc = "Idiomatic: diagnostics only for this project (with !: do not start its server)" })

  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do -- buffers opened before setup
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
