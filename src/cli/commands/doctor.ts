import type { Command } from 'commander';
import { awsClientConfig } from '../../composition/admin.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput, table } from '../output.ts';

/** `agenticai doctor --env <env>`: read-only preflight of an environment's account (docs/DEPLOYMENT.md). */
export function registerDoctor(program: Command) {
  program
    .command('doctor')
    .description(
      'read-only preflight for deploying --env: credentials, bootstrap, concurrency, model access, stacks, subscriptions, budget',
    )
    .action(async (_opts, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      if (!globals.env || globals.env === 'local')
        throw new CliError(
          'doctor checks a deployed environment: pass --env dev|staging|production',
          EXIT.usage,
        );
      const { region: _ignored, ...base } = awsClientConfig(globals);
      const { runDoctor } = await import('./doctor-checks.ts');
      const { config, checks } = await runDoctor(globals.env, base);
      const failed = checks.filter((c) => c.status === 'fail');
      createOutput(globals.json).print(
        table(
          ['check', 'status', 'detail', 'fix'],
          checks.map((c) => [c.check, c.status, c.detail, c.fix ?? '']),
        ),
        {
          env: globals.env,
          account: config?.account,
          region: config?.region,
          ok: failed.length === 0,
          checks,
        },
      );
      if (failed.length > 0)
        throw new CliError(
          `${failed.length} check${failed.length > 1 ? 's' : ''} failed: ${failed.map((c) => c.check).join(', ')}`,
        );
    });
}
