import type { Command } from 'commander';
import { awsClientConfig } from '../../composition/admin.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput } from '../output.ts';

export interface CanaryRunOptions {
  endpoint?: string;
  key?: string;
  stepBudgetMs?: number;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {}
  throw new CliError(`--endpoint must be an http(s) URL, got ${JSON.stringify(value)}`, EXIT.usage);
}

function parseBudget(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 300_000)
    throw new CliError('--step-budget-ms must be a whole number from 1 to 300000', EXIT.usage);
  return n;
}

/** A host the local server listens on that a client can connect to (0.0.0.0/:: mean "any"). */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/`;
}

/** A deployed environment: the API URL from the stack output, the key from Secrets Manager. */
async function deployedTarget(globals: GlobalOptions & { env: string }, opts: CanaryRunOptions) {
  // Loaded here so `--help` and local runs never load the AWS SDK.
  const { CanaryTargetError, resolveDeployedCanary } = await import('../../composition/canary-target.ts');
  try {
    return await resolveDeployedCanary(globals.env, awsClientConfig(globals), opts);
  } catch (error) {
    if (error instanceof CanaryTargetError) throw new CliError(error.message, EXIT.failure);
    throw error;
  }
}

/**
 * The canary run of `canary run` (and of `rollback`, after it moves the aliases): against the local
 * server, or with `--env` the deployed API. Step logs go to stderr so `--json` keeps stdout to one
 * document.
 */
export async function runCanaryCommand(
  globals: GlobalOptions,
  opts: CanaryRunOptions,
): Promise<import('../../canary/health-check.ts').CanaryResult> {
  const [{ loadConfig }, { runCanary }] = await Promise.all([
    import('../../config.ts'),
    import('../../canary/health-check.ts'),
  ]);
  const config = loadConfig();
  let endpoint: string;
  let apiKey: string | undefined;
  if (globals.env && globals.env !== 'local') {
    ({ endpoint, apiKey } = await deployedTarget({ ...globals, env: globals.env }, opts));
  } else {
    endpoint = opts.endpoint ?? localUrl(config.host, config.port);
    apiKey = opts.key ?? config.canary.key;
  }
  if (!apiKey) {
    throw new CliError(
      'no canary key: pass --key or set AGENTICAI_CANARY_KEY (create one with: agenticai keys create --name canary)',
      EXIT.usage,
    );
  }
  const { localStepRunner } = await import('../../canary/local-runtime.ts');
  return runCanary(
    { endpoint, apiKey, stepBudgetMs: opts.stepBudgetMs ?? config.canary.stepBudgetMs },
    {
      fetch,
      now: () => performance.now(),
      runStep: localStepRunner((line) => process.stderr.write(`${line}\n`), globals.json),
    },
  );
}

export function registerCanary(program: Command) {
  const canary = program.command('canary').description('the health-check canary (R11), run on demand');
  canary
    .command('run')
    .description(
      'GET /health, create a project and read it back, timing each step; exit 1 naming the failed step',
    )
    .option(
      '--endpoint <url>',
      "the API's base URL (default: the local server, or the stack's with --env)",
      parseUrl,
    )
    .option('--key <key>', 'the API key (default: AGENTICAI_CANARY_KEY, or the canary secret with --env)')
    .option(
      '--step-budget-ms <ms>',
      'a step slower than this fails (default: CANARY_STEP_BUDGET_MS)',
      parseBudget,
    )
    .action(async (opts: CanaryRunOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = createOutput(globals.json);
      const [{ describeCanary }, result] = await Promise.all([
        import('../../canary/health-check.ts'),
        runCanaryCommand(globals, opts),
      ]);
      out.print(describeCanary(result), result);
      if (!result.ok) {
        throw new CliError(`canary failed at step ${result.failed?.step}: ${result.failed?.reason}`);
      }
    });
}
