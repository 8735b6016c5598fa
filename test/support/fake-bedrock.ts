import { createServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  /** The stage, read from the system prompt's first words ("You are the PM agent" …). */
  system: string;
  respond(text: string): void;
}

/**
 * A stand-in for the Bedrock Converse endpoint on loopback (HTTP/2 without TLS, as the Bedrock
 * runtime client speaks HTTP/2), so a real server process
 * (MODEL_PROVIDER=bedrock) can be given a model that answers when the test decides: each call
 * waits in `calls` until the test answers it, or is answered at once while `autoAnswer` is set.
 */
export async function startFakeBedrock() {
  const waiting: FakeCall[] = [];
  const listeners = new Set<() => void>();
  let autoAnswer: ((system: string) => string) | undefined;
  const open = new Set<Http2ServerResponse>();

  const server = createServer((req: Http2ServerRequest, res: Http2ServerResponse) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { system?: { text?: string }[] };
      const system = body.system?.map((s) => s.text ?? '').join('\n') ?? '';
      open.add(res);
      res.once('close', () => open.delete(res));
      const respond = (text: string) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 },
            metrics: { latencyMs: 1 },
          }),
        );
      };
      if (autoAnswer) respond(autoAnswer(system));
      else {
        waiting.push({ system, respond });
        for (const l of listeners) l();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    /** Environment for the server process under test. */
    env: {
      MODEL_PROVIDER: 'bedrock',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    /** Resolves with the next call that has not been answered yet. */
    nextCall(): Promise<FakeCall> {
      return new Promise((resolve) => {
        const check = () => {
          const call = waiting.shift();
          if (!call) return;
          listeners.delete(check);
          resolve(call);
        };
        listeners.add(check);
        check();
      });
    },
    /** From now on answer every call (and the ones waiting) with `text(system)`. */
    answerAll(text: (system: string) => string) {
      autoAnswer = text;
      for (const call of waiting.splice(0)) call.respond(text(call.system));
    },
    async close() {
      for (const res of open) res.stream.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A stage answer the pipeline accepts (one file; QA passes). */
export const stageAnswer = (system: string) =>
  `--- FILE: notes.md ---\nAnswer to: ${system.split('\n')[0]?.slice(0, 60)}\nVERDICT: PASS\n`;
