import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { GlobalOptions } from '../globals.ts';
import { createOutput } from '../output.ts';

/** `agenticai status`: where the local instance keeps its data and whether its server is running. */
export function registerStatus(program: Command) {
  program
    .command('status')
    .description('show the local instance: data dir, store, whether the server is running')
    .action(async (_opts, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const [{ inspectLocalStore }, { loadConfig }] = await Promise.all([
        import('../../composition/admin.ts'),
        import('../../config.ts'),
      ]);
      const config = loadConfig();
      const dataDir = resolve(config.dataDir);
      const store = await inspectLocalStore(config.dataDir);
      const TableNames = store.tables;
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
    });
}
