import { Agent, type AgentOptions } from 'node:http';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoOptions {
  /** Set for local mode (dynalite); omitted in AWS, where the SDK's defaults apply. */
  endpoint?: string;
  region?: string;
  /** A named profile from the shared AWS config (the CLI's --profile). */
  profile?: string;
  /** Called with each command's name before it is sent (benchmarks count store calls with it). */
  onCommand?: (commandName: string) => void;
}

/**
 * Client settings for an endpoint URL, or for `unix:<path>` (local mode's store listens on a Unix
 * socket in the private data dir): the agent's `socketPath` sends every connection to the socket.
 */
export function storeEndpointConfig(
  endpoint: string,
): Pick<DynamoDBClientConfig, 'endpoint' | 'requestHandler'> {
  if (!endpoint.startsWith('unix:')) return { endpoint };
  const socketPath = endpoint.slice('unix:'.length);
  return {
    endpoint: 'http://localhost',
    requestHandler: { httpAgent: new Agent({ keepAlive: true, socketPath } as AgentOptions) },
  };
}

export function createDocumentClient(opts: DynamoOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { maxAttempts: 3 };
  if (opts.endpoint) {
    // The embedded store accepts any credentials; fixed ones keep a developer's AWS profile out of it.
    Object.assign(config, storeEndpointConfig(opts.endpoint));
    config.region = opts.region ?? 'local';
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else {
    if (opts.region) config.region = opts.region;
    if (opts.profile) config.profile = opts.profile;
  }
  const client = new DynamoDBClient(config);
  const { onCommand } = opts;
  if (onCommand) {
    client.middlewareStack.add(
      (next, context) => (args) => {
        onCommand(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countStoreCalls' },
    );
  }
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The listed attributes of a stored item (drops keys, index attributes and internal fields). */
export function pickFields<T>(item: Record<string, unknown>, fields: readonly string[]): T {
  return Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;
}
