// Starts `rule-check lsp` for .rules files. All language knowledge is in the server; this file
// only says how to start it (the `ruleCheck.path` setting) and which files it serves.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = vscode.workspace.getConfiguration("ruleCheck").get("path") || "rule-check";
  // TransportKind.stdio adds `--stdio` to the arguments; rule-check accepts and ignores it.
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = { documentSelector: [{ scheme: "file", language: "rules" }] };
  client = new LanguageClient("ruleCheck", "LVV rules", serverOptions, clientOptions);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
