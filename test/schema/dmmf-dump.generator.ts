import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A Prisma generator that writes the datamodel part of the DMMF it is handed to the generator's
 * `output` path. Prisma runs generators as child processes speaking JSON-RPC: one request per line
 * on stdin, one response per line on stderr (`getManifest`, then `generate`). It is the same
 * document the `prisma-client` generator builds Windmill's client from. See declared-catalog.ts.
 */

interface RpcRequest {
  id: number;
  method: string;
  params?: {
    dmmf?: { datamodel: unknown };
    generator?: { output?: { value?: string | null } | null };
  };
}

function respond(id: number, result: unknown): void {
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as RpcRequest;
  if (request.method === 'getManifest') {
    respond(request.id, { manifest: { prettyName: 'DMMF dump for the schema agreement test', requiresEngines: [] } });
    return;
  }
  if (request.method === 'generate') {
    const output = request.params?.generator?.output?.value;
    if (!output || !request.params?.dmmf) {
      process.stderr.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: -32000, message: 'no output path or DMMF' } })}\n`,
      );
      return;
    }
    writeFileSync(output, JSON.stringify(request.params.dmmf.datamodel));
    respond(request.id, null);
  }
});
