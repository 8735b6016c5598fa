import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { awsClientConfig, costSources } from '../../composition/admin.ts';
import { estimate, type Template } from '../../domain/cost-estimate.ts';
import { buildCostReport, type CostReport, reportPeriod } from '../../domain/cost-report.ts';
import { accountNames, resourceNames } from '../../naming.ts';
import { EMITTED_METRICS } from '../../observability/metrics.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { createOutput, table } from '../output.ts';

/** `--check` exit code when actual or projected spend exceeds the budget. */
export const OVER_BUDGET_EXIT = EXIT.checkFailed;
const DEFAULT_BUDGET_USD = 50;
const money = (n: number) => `$${n.toFixed(2)}`;

function parseMonth(value: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('expected YYYY-MM');
  return value;
}

function parseBudget(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive amount in USD');
  return n;
}

const STATUS_TEXT: Record<CostReport['status'], string> = {
  within: '✓ Within Budget',
  warning: '! Warning: on course to exceed the budget, or past 80 %',
  over: '✗ Over Budget',
};

/** The design document's layout, plus a daily trend chart. */
export function renderCostReport(report: CostReport): string {
  const monthName = new Date(`${report.period.start}T00:00:00Z`).toLocaleString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const title = `AgenticAI Cost Report - ${monthName}`;
  const width = Math.max(0, ...report.byService.map((s) => s.service.length)) + 1;
  const peak = Math.max(0, ...report.daily.map((d) => d.amount));
  const bar = (amount: number) => (peak > 0 ? '█'.repeat(Math.round((amount / peak) * 30)) : '');
  return [
    title,
    '='.repeat(title.length),
    `Current Spending: ${money(report.monthToDate)} / ${money(report.budget)} (${report.percentOfBudget.toFixed(1)}%)`,
    `Days Remaining: ${report.daysRemaining}`,
    '',
    'By Service:',
    ...(report.byService.length === 0
      ? ['  (no charges yet)']
      : report.byService.map(
          (s) => `  ${`${s.service}:`.padEnd(width + 1)} ${money(s.amount)} (${s.share.toFixed(1)}%)`,
        )),
    '',
    'Daily Trend:',
    ...report.daily.map((d) => `  ${d.date.slice(5)} ${money(d.amount).padStart(9)} ${bar(d.amount)}`),
    '',
    `Projected End-of-Month: ${money(report.projectedMonthEnd)} (${report.projectionMethod === 'forecast' ? 'AWS forecast' : 'linear from month to date'})`,
    `Status: ${STATUS_TEXT[report.status]}`,
    '',
    'Unblended cost from Cost Explorer, credits and refunds excluded; today’s figure is partial.',
  ].join('\n');
}

export function registerCost(program: Command) {
  const cost = program.command('cost').description('what the deployment costs');
  registerCostEstimate(cost);

  cost
    .command('report')
    .description(
      'month-to-date AWS spend by service and by day, against the budget, with a projection (Cost Explorer)',
    )
    .option(
      '--budget <usd>',
      `monthly budget in USD (default: the deployed AWS Budget, else ${DEFAULT_BUDGET_USD})`,
      parseBudget,
    )
    .option('--month <yyyy-mm>', 'a past month instead of the current one', parseMonth)
    .option('--check', `exit ${OVER_BUDGET_EXIT} when actual or projected spend exceeds the budget`)
    .action(async (opts: { budget?: number; month?: string; check?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      let period: ReturnType<typeof reportPeriod>;
      try {
        period = reportPeriod(new Date(), opts.month);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.usage);
      }
      const config = awsClientConfig(globals);
      const { CostExplorerSource, deployedBudget } = await costSources();
      const source = new CostExplorerSource(config.profile ? { profile: config.profile } : {});
      try {
        const { rows } = await source.dailyCosts(period);
        const forecastRest = await source.forecastRest(period);
        const budget =
          opts.budget ?? (await deployedBudget(config, accountNames.budget)) ?? DEFAULT_BUDGET_USD;
        const report = buildCostReport({ period, rows, budget, forecastRest });
        createOutput(globals.json).print(renderCostReport(report), report);
        if (opts.check && (report.monthToDate > report.budget || report.projectedMonthEnd > report.budget)) {
          throw new CliError(
            `over budget: ${money(report.monthToDate)} spent, ${money(report.projectedMonthEnd)} projected, budget ${money(report.budget)}`,
            OVER_BUDGET_EXIT,
          );
        }
      } catch (error) {
        if (error instanceof Error && /not enabled for cost explorer/i.test(error.message)) {
          throw new CliError(
            'Cost Explorer is not enabled for this account; enable it in the Billing console (data appears within 24 hours)',
          );
        }
        throw error;
      } finally {
        source.destroy();
      }
    });
}

/** Measured figures (docs/PERFORMANCE.md) the estimate uses per API request. */
export const MEASURED = {
  apiDurationMs: 45,
  logBytesPerRequest: 760,
  writesPerRequest: 1,
  readsPerRequest: 0,
  tokensPerStage: { input: 2_000, output: 1_500 },
  stagesPerProject: 4,
} as const;

async function readTemplate(dir: string, stack: string): Promise<Template> {
  try {
    return JSON.parse(await readFile(join(dir, `${stack}.template.json`), 'utf8')) as Template;
  } catch {
    throw new CliError(`no synthesized template ${stack}.template.json in ${dir}; run npm run synth first`);
  }
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function registerCostEstimate(cost: Command) {
  cost
    .command('estimate')
    .description(
      "price the synthesized template: the hardening's fixed monthly cost, cost per million requests, model cost per project",
    )
    .option('--requests-per-month <n>', 'API requests per month', parseCount, 1_000_000)
    .option('--template-dir <dir>', 'where npm run synth wrote the templates', 'cdk.out')
    .action(async (opts: { requestsPerMonth: number; templateDir: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const env = globals.env && globals.env !== 'local' ? globals.env : 'production';
      const stackTemplate = await readTemplate(opts.templateDir, resourceNames(env).stack);
      const account = await readTemplate(opts.templateDir, accountNames.accountStack);
      // R11.5: the environment's canaries in its other regions, one stack each.
      const canaryPrefix = resourceNames(env).canaryStack('');
      const canaryStacks = (await readdir(opts.templateDir))
        .filter((f) => f.startsWith(canaryPrefix) && f.endsWith('.template.json'))
        .sort();
      const canaryTemplates = await Promise.all(
        canaryStacks.map((f) => readTemplate(opts.templateDir, f.slice(0, -'.template.json'.length))),
      );
      const resources = Object.values(stackTemplate.Resources);
      const api = resources.find(
        (r) =>
          r.Type === 'AWS::Lambda::Function' &&
          r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'agenticai-api',
      );
      const budget = Object.values(account.Resources).find((r) => r.Type === 'AWS::Budgets::Budget')
        ?.Properties?.Budget?.BudgetLimit?.Amount;
      const result = estimate([stackTemplate, account, ...canaryTemplates], {
        ...MEASURED,
        requestsPerMonth: opts.requestsPerMonth,
        apiMemoryMb: api?.Properties?.MemorySize,
        customMetrics: EMITTED_METRICS.length,
        modelId: String(api?.Properties?.Environment?.Variables?.BEDROCK_MODEL_ID ?? ''),
        budget: Number(budget ?? DEFAULT_BUDGET_USD),
      });
      const rows = (items: typeof result.fixed) =>
        items.map((i) => [i.item, String(i.quantity), i.unit, `$${i.unitPrice}`, `$${i.monthly.toFixed(2)}`]);
      createOutput(globals.json).print(
        [
          `AgenticAI ${env}: estimated monthly cost (us-east-1 list prices as of ${result.prices.asOf})`,
          '',
          'Fixed, whatever the traffic (the hardening):',
          table(['item', 'quantity', 'unit', 'price', 'monthly'], rows(result.fixed)),
          `Fixed total: $${result.fixedTotal.toFixed(2)} per month`,
          '',
          'Per million API requests:',
          table(['item', 'quantity', 'unit', 'price', 'per million'], rows(result.perMillionRequests)),
          `Per million requests: $${result.perMillionRequestsTotal.toFixed(2)}; at ${opts.requestsPerMonth.toLocaleString('en-US')} requests/month: $${result.variableMonthly.toFixed(2)}`,
          '',
          result.modelPerProject
            ? `Model per project: $${result.modelPerProject.usd.toFixed(4)} (${result.modelPerProject.modelId}, ${MEASURED.stagesPerProject} stages × ${MEASURED.tokensPerStage.input} input + ${MEASURED.tokensPerStage.output} output tokens)`
            : 'Model per project: no price known for the configured model',
          '',
          `Total: $${result.totalMonthly.toFixed(2)} per month before model use = ${result.shareOfBudget}% of the $${result.budget} budget.`,
        ].join('\n'),
        result,
      );
    });
}
