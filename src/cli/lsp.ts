/** `netc lsp`: the language server, on stdin and stdout, for any editor with an LSP client. */
import { parse } from './args.js';

export const lspUsage = `usage: netc lsp [--stdio]

Runs netc's Language Server on stdin and stdout, for an editor's LSP client: diagnostics as
you type (of the unsaved text; the specs it extends are read from open buffers or disk),
hover with each layer's output shape, parameters and MACs, completion of ops, keys, layer
names and activations, and go-to-definition for inputs: references and extends:.
The README shows the settings for VS Code and Neovim.

  --stdio            talk over stdin and stdout (the default and only transport)
Exit status: 0 when the client shuts the server down (shutdown, then exit), 1 when it exits
without a shutdown or closes stdin, as the protocol asks.`;

export async function runLsp(argv: string[]): Promise<number> {
  const { values } = parse(argv, { stdio: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(lspUsage + '\n');
    return 0;
  }
  const { startServer } = await import('../lsp/server.js');
  await startServer();
  return 0;
}
