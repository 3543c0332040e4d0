-- Loaded at startup by plugin managers / 'runtimepath': runs setup from `vim.g.idiomatic` when that
-- table is set (configuration without Lua); otherwise call require("idiomatic").setup({...}) yourself.
if vim.g.loaded_idiomatic then
  return
end
vim.g.loaded_idiomatic = true
if type(vim.g.idiomatic) == "table" then
  require("idiomatic").setup(vim.g.idiomatic)
end
