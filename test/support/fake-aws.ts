import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (input: Record<string, unknown>) => unknown;

export interface FakeAws {
  /** Environment for a child process: every AWS SDK client sends its calls here, with test credentials. */
  env: Record<string, string | undefined>;
  /** Operations received, in order (`DescribeAlarms`, `GetCostAndUsage`…). */
  calls: string[];
  close(): Promise<void>;
}

/**
 * A loopback endpoint for AWS JSON-protocol services (CloudWatch, CloudWatch Logs, Cost Explorer),
 * so the real CLI binary can run a command that calls AWS without any network. Each operation's
 * answer comes from `handlers`, keyed by operation name; an unknown operation gets AWS's error shape.
 */
export async function startFakeAws(handlers: Record<string, Handler>): Promise<FakeAws> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      calls.push(operation);
      const handler = handlers[operation];
      const [status, payload] = handler
        ? [200, handler(body ? (JSON.parse(body) as Record<string, unknown>) : {})]
        : [400, { __type: 'UnknownOperationException', message: `fake AWS has no ${operation}` }];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
