// The Ardoise contracts extension: starts `ardoise lsp` for the open workspace folder and hands it the
// contract files; the server reads the folder's ardoise.yaml and is told when a settings file changes.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('ardoise').get('path') || 'ardoise';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient('ardoise', 'Ardoise contracts', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'ardoise' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}') },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
