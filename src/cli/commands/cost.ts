import { type Command, InvalidArgumentError } from 'commander';
import { CostExplorerSource, deployedBudget } from '../../adapters/aws/cost-explorer.ts';
import { buildCostReport, type CostReport, reportPeriod } from '../../domain/cost-report.ts';
import { CliError, EXIT } from '../errors.ts';
import { createOutput } from '../output.ts';
import type { GlobalOptions } from '../program.ts';
import { awsClientConfig } from '../run.ts';

/** `--check` exit code when actual or projected spend exceeds the budget. */
export const OVER_BUDGET_EXIT = 3;
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
      const source = new CostExplorerSource(config.profile ? { profile: config.profile } : {});
      try {
        const { rows } = await source.dailyCosts(period);
        const forecastRest = await source.forecastRest(period);
        const budget =
          opts.budget ?? (await deployedBudget(config, 'agenticai-monthly')) ?? DEFAULT_BUDGET_USD;
        const report = buildCostReport({ period, rows, budget, forecastRest });
        createOutput(globals.json).print(renderCostReport(report), report);
        if (opts.check && (report.monthToDate > report.budget || report.projectedMonthEnd > report.budget)) {
          process.exitCode = OVER_BUDGET_EXIT;
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
