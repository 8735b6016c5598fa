import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createOutput } from '../output.ts';
import type { GlobalOptions } from '../program.ts';

/** `agenticai status`: where the local instance keeps its data and whether its server is running. */
export function registerStatus(program: Command) {
  program
    .command('status')
    .description('show the local instance: data dir, store, whether the server is running')
    .action(async (_opts, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const [{ ListTablesCommand }, { connectOrStartStore, localDynamoClient }, { loadConfig }] =
        await Promise.all([
          import('@aws-sdk/client-dynamodb'),
          import('../../adapters/local/embedded-dynamo.ts'),
          import('../../config.ts'),
        ]);
      const config = loadConfig();
      const dataDir = resolve(config.dataDir);
      const store = await connectOrStartStore(config.dataDir);
      try {
        const client = localDynamoClient(store.endpoint);
        const { TableNames = [] } = await client.send(new ListTablesCommand({}));
        client.destroy();
        const data = {
          dataDir,
          serverRunning: !store.owned,
          serverPid: store.serverPid ?? null,
          storeEndpoint: store.owned ? null : store.endpoint,
          tables: TableNames,
        };
        createOutput(globals.json).print(
          [
            `data dir:  ${dataDir}`,
            `server:    ${data.serverRunning ? `running (pid ${data.serverPid})` : 'not running'}`,
            `tables:    ${TableNames.length ? TableNames.join(', ') : '(none yet: run npm start once)'}`,
          ].join('\n'),
          data,
        );
      } finally {
        await store.close();
      }
    });
}
