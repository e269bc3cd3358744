-- Drives Neovim 0.7's built-in LSP client against the hallmark language
-- server: open a file, type as the person, accept a "completion" through
-- the server's command, type into the model's line, save, then ask the
-- server what it knows of each line and write that to OUT.
--
--   nvim --headless -u NONE -c "luafile session.lua" FILE
-- with HALLMARK_LSP (the server binary) and OUT in the environment.
local server, out = os.getenv("HALLMARK_LSP"), os.getenv("OUT")
local model = "hallmark-examples/scripted-model-1"

local function fail(msg)
  io.stderr:write("session.lua: " .. msg .. "\n")
  vim.cmd("cquit 3")
end

local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "hallmark",
  cmd = { server },
  root_dir = vim.fn.getcwd(),
  flags = { debounce_text_changes = 0 },
})
if not client_id then fail("start_client failed") end
vim.lsp.buf_attach_client(bufnr, client_id)
local client = vim.lsp.get_client_by_id(client_id)
if not vim.wait(10000, function() return client.initialized end, 10) then
  fail("the server did not initialize")
end

local function keys(s)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(s, true, false, true), "x", false)
end

-- The person types a function under the first line.
keys("Go// Sum is typed by Ada.<CR>func Sum(a, b int) int {<CR>}<Esc>")

-- A completion for the body, accepted: the plugin calls the server's command.
local uri = vim.uri_from_bufnr(bufnr)
local res, err = client.request_sync("workspace/executeCommand", {
  command = "hallmark.acceptCompletion",
  arguments = { {
    uri = uri,
    position = { line = 3, character = 0 },
    text = "\t// add them\n\ts := a + b\n\treturn s\n",
    model = model,
    tool = "nvim-test",
  } },
}, 10000, bufnr)
if err or not res or res.err then fail("accept: " .. vim.inspect(err or res)) end
local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
if lines[6] ~= "\treturn s" then fail("the completion is not in the buffer: " .. vim.inspect(lines)) end

-- The person edits two of the model's lines: "s" becomes "sum".
vim.api.nvim_win_set_cursor(0, { 5, 1 })
keys("cwsum<Esc>")
vim.api.nvim_win_set_cursor(0, { 6, 8 })
keys("cwsum<Esc>")

vim.cmd("write")

local ans, aerr = client.request_sync("workspace/executeCommand", {
  command = "hallmark.lineAuthors",
  arguments = { { uri = uri } },
}, 10000, bufnr)
if aerr or not ans or ans.err then fail("lineAuthors: " .. vim.inspect(aerr or ans)) end
local f = io.open(out, "w")
f:write(vim.fn.json_encode(ans.result))
f:close()
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 10)
vim.cmd("qall!")
