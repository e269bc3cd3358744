// The smallest VS Code extension that starts the hallmark language server
// for every file, and lets an inline completion provider report an accepted
// suggestion:
//
//   vscode.commands.executeCommand("hallmark.acceptCompletion",
//     {uri, position, text, model: "provider/model"})
//
// The server then asks VS Code to insert the text (workspace/applyEdit) and
// attributes that change to the model. Build it with `npm install` and
// `npx @vscode/vsce package`.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("hallmark").get("serverPath");
  client = new LanguageClient(
    "hallmark",
    "hallmark",
    { command, args: [] },
    { documentSelector: [{ scheme: "file" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
