-- Where the server program of setup()'s `cmd` is on disk, found without the project's help. The plugin
-- starts the server in the project root, and a bare name is searched there in ways a cloned repository
-- can answer: an empty or relative PATH entry (`bin`, `node_modules/.bin`, a trailing `:`) is a folder
-- inside it, and Windows looks in it first. So init.lua starts an absolute path: the user's own, or the
-- name found on PATH's absolute entries.
local M = {}

local windows = vim.fn.has("win32") == 1

local function absolute(path)
  if windows then
    return path:match("^%a:[/\\]") ~= nil or path:match("^[/\\][/\\]") ~= nil
  end
  return path:sub(1, 1) == "/"
end

local function runnable(path)
  return vim.fn.executable(path) == 1 and vim.fn.isdirectory(path) == 0
end

--- The absolute path of `name`, or nil and a one-line problem saying what to set in setup().
function M.find(name)
  if absolute(name) then
    if runnable(name) then
      return name
    end
    return nil, name .. " is not executable; fix cmd in your setup()"
  end
  if name:find(windows and "[/\\]" or "/") then
    return nil, "cmd[1] must be a program name on PATH or an absolute path, not " .. name
      .. " (a relative path would be looked up inside the project)"
  end
  local separator = windows and ";" or ":"
  for folder in ((os.getenv("PATH") or "") .. separator):gmatch("(.-)" .. separator) do
    if absolute(folder) then
      for _, extension in ipairs(windows and { ".com", ".exe", "" } or { "" }) do
        local candidate = folder:gsub("[/\\]$", "") .. "/" .. name .. extension
        if runnable(candidate) then
          return candidate
        end
      end
    end
  end
  return nil, "`" .. name .. "` is not on PATH (relative PATH entries are skipped); install idiomatic, "
    .. "or set cmd in your setup() to its absolute path"
end

return M
