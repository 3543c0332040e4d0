-- Whether the plugin may start `idiom serve` for a project root, and how: the user's answer for that
-- root ("trusted", "diagnostics" only, or "never"), asked once and kept in a JSON file under
-- stdpath("data"), or the `trusted_roots` of their own setup(). init.lua consults it before it starts a
-- server; a root nobody answered for is asked about with vim.fn.confirm.
local M = {}

M.TRUSTED, M.DIAGNOSTICS, M.NEVER = "trusted", "diagnostics", "never"
local ANSWERS = { M.TRUSTED, M.DIAGNOSTICS, M.NEVER } -- in the order of the prompt's choices

--- The file that keeps the answers: one JSON object, root directory -> answer.
function M.file()
  return vim.fn.stdpath("data") .. "/idiomatic/trust.json"
end

--- A directory as it is compared and stored: absolute, symlinks resolved, no trailing slash.
function M.normalize(dir)
  local full = vim.fn.fnamemodify(dir, ":p")
  full = vim.loop.fs_realpath(full) or full
  return (full:gsub("(.)/+$", "%1"))
end

--- The remembered answers, or nil and a one-line problem when the file cannot be read as answers.
local function read()
  local file = M.file()
  if vim.fn.filereadable(file) == 0 then
    return {}
  end
  local ok, answers = pcall(vim.fn.json_decode, table.concat(vim.fn.readfile(file), "\n"))
  if not ok or type(answers) ~= "table" or vim.tbl_islist(answers) and #answers > 0 then
    return nil, file .. " is not a JSON object of root -> answer; fix or delete it"
  end
  return answers
end

--- The answer for `root` and where it comes from ("trusted_roots" or "remembered"); nil when the user
--- has not answered (or the file is unreadable: remember() then says so). A root inside one of
--- `trusted_roots` is trusted.
function M.answer(root, trusted_roots)
  root = M.normalize(root)
  for _, dir in ipairs(trusted_roots or {}) do
    dir = M.normalize(dir)
    if root == dir or root:sub(1, #dir + 1) == dir .. "/" or dir == "/" then
      return M.TRUSTED, "trusted_roots"
    end
  end
  local answer = (read() or {})[root]
  if vim.tbl_contains(ANSWERS, answer) then
    return answer, "remembered"
  end
end

--- Keep `answer` for `root`; false and a one-line problem when it could not be written. The file is
--- replaced whole (written beside it, then renamed), and an unreadable one is left as it is.
function M.remember(root, answer)
  local answers, problem = read()
  if not answers then
    return false, problem .. " (your answer holds until Neovim quits)"
  end
  answers[M.normalize(root)] = answer
  local file = M.file()
  local partial = file .. ".partial"
  vim.fn.mkdir(vim.fn.fnamemodify(file, ":h"), "p")
  if vim.fn.writefile({ vim.fn.json_encode(answers) }, partial) ~= 0 or not os.rename(partial, file) then
    os.remove(partial)
    return false, "could not write " .. file .. " (your answer holds until Neovim quits)"
  end
  return true
end

--- Ask the user how to start the server for `root`. Returns the answer, or nil and why there is none:
--- with no UI attached (headless) nothing can answer, and confirm() would return its default unasked.
function M.ask(root)
  if #vim.api.nvim_list_uis() == 0 then
    return nil, "no UI to ask whether to trust it"
  end
  local choice = vim.fn.confirm(
    "Idiomatic: start `idiom serve` for " .. root .. "?\n"
      .. "Trust: completions and generation (code goes to your model provider).\n"
      .. "Diagnostics only: check files against the team's conventions, no model calls.",
    "&Trust\n&Diagnostics only\n&Don't start", 3, "Question")
  local answer = ANSWERS[choice]
  if not answer then
    return nil, "the question was dismissed"
  end
  return answer
end

--- What an answer means for the server, for messages.
function M.describe(answer)
  return ({
    [M.TRUSTED] = "trusted: completions, generation and conventions",
    [M.DIAGNOSTICS] = "diagnostics only: conventions are checked, no model calls",
    [M.NEVER] = "the server is not started",
  })[answer]
end

return M
