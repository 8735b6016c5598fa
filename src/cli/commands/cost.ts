import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { CANARY_STEPS } from '../../canary/health-check.ts';
import { awsClientConfig, costSources } from '../../composition/admin.ts';
import {
  type AccountPart,
  DECLARED_USAGE,
  type EnvironmentEstimate,
  estimateAccount,
  estimateEnvironment,
  idleMetricCount,
  type LineItem,
  modelCostPerProject,
  PRICES,
  type Template,
} from '../../domain/cost-estimate.ts';
import {
  buildCostReport,
  type ChartStyle,
  renderCostReport,
  reportPeriod,
} from '../../domain/cost-report.ts';
import { accountNames, resourceNames } from '../../naming.ts';
import { EMITTED_METRICS, METRIC, SERVICES } from '../../observability/metrics.ts';
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

/**
 * Unicode blocks in a terminal; plain ASCII when the output is piped or redirected, for a dumb
 * terminal, or with NO_COLOR set (https://no-color.org asks for plain output).
 */
export function chartStyle(stream: { isTTY?: boolean } = process.stdout, env = process.env): ChartStyle {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb' ? 'unicode' : 'ascii';
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
        createOutput(globals.json).print(renderCostReport(report, chartStyle()), report);
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

/** The estimate's usage: the declared figures (docs/COSTS.md), the canary's requests from its steps. */
const USAGE = { ...DECLARED_USAGE, canaryRequestsPerRun: CANARY_STEPS.length };
/** Model tokens per stage and stages per project (docs/COSTS.md). */
const MODEL_USAGE = { tokensPerStage: { input: 2_000, output: 1_500 }, stages: 4 } as const;
const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

interface SynthesizedStack {
  stackName: string;
  account?: string;
  template: Template;
}

/** The stacks `npm run synth` wrote: from the assembly's manifest, else every `*.template.json`. */
async function readAssembly(dir: string): Promise<SynthesizedStack[]> {
  const load = async (file: string) => JSON.parse(await readFile(join(dir, file), 'utf8')) as Template;
  try {
    let manifest: {
      artifacts?: Record<
        string,
        { type: string; environment?: string; properties?: { templateFile?: string; stackName?: string } }
      >;
    };
    try {
      manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    } catch {
      const files = (await readdir(dir)).filter((f) => f.endsWith('.template.json'));
      if (files.length === 0) throw new Error('no templates');
      return Promise.all(
        files.map(async (f) => ({ stackName: f.replace(/\.template\.json$/, ''), template: await load(f) })),
      );
    }
    const stacks = Object.entries(manifest.artifacts ?? {}).filter(
      ([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile,
    );
    return Promise.all(
      stacks.map(async ([id, a]) => ({
        stackName: a.properties?.stackName ?? id,
        account: /^aws:\/\/(\d{12})\//.exec(a.environment ?? '')?.[1],
        template: await load(a.properties!.templateFile!),
      })),
    );
  } catch {
    throw new CliError(`no synthesized templates in ${dir}; run npm run synth first`);
  }
}

const envOf = (stackName: string) =>
  ENVIRONMENTS.find(
    (env) => stackName === resourceNames(env).stack || stackName.startsWith(`${resourceNames(env).stack}-`),
  );

function priceEnvironment(
  templates: Template[],
  requestsPerMonth: number,
  shared: Template[] = [],
): EnvironmentEstimate {
  return estimateEnvironment(templates, {
    requestsPerMonth,
    shared,
    idleCustomMetrics: idleMetricCount(templates, EMITTED_METRICS, {
      service: SERVICES.api,
      coldStartMetric: METRIC.ColdStart,
    }),
    allCustomMetrics: EMITTED_METRICS.length,
    usage: USAGE,
  });
}

/** The account's budget (R5.1): its amount and, when filtered by the Environment tag, that environment. */
function accountBudget(stacks: SynthesizedStack[]): { amount: number; scope?: string } {
  const budget = stacks
    .filter((s) => s.stackName === accountNames.accountStack)
    .flatMap((s) => Object.values(s.template.Resources))
    .find((r) => r.Type === 'AWS::Budgets::Budget')?.Properties?.Budget;
  const tag = (budget?.CostFilters?.TagKeyValue?.[0] as string | undefined)?.split('$')[1];
  return { amount: Number(budget?.BudgetLimit?.Amount ?? DEFAULT_BUDGET_USD), ...(tag && { scope: tag }) };
}

const usd = (n: number, d = 2) => `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(d)}`;
const itemRows = (items: LineItem[], d = 2) =>
  items.map((i) => [
    i.item,
    String(i.quantity),
    i.unit,
    `$${Number(Math.abs(i.unitPrice).toPrecision(6))}`,
    usd(i.monthly, d),
  ]);

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function parseTraffic(value: string): Record<string, number> {
  const traffic: Record<string, number> = {};
  for (const pair of value.split(',')) {
    const [env, n] = pair.split('=');
    const count = Number(n);
    if (!ENVIRONMENTS.includes(env as (typeof ENVIRONMENTS)[number]) || !Number.isInteger(count) || count < 0)
      throw new InvalidArgumentError('expected env=requests pairs, e.g. production=1000000,staging=10000');
    traffic[env!] = count;
  }
  return traffic;
}

export function registerCostEstimate(cost: Command) {
  cost
    .command('estimate')
    .description(
      'price the synthesized templates: fixed monthly cost, cost per million requests beside the floor, model cost per project; --all: every environment of the account against the budget',
    )
    .option('--requests-per-month <n>', 'API requests per month', parseCount, 1_000_000)
    .option(
      '--all',
      "every environment of the account against the account's one budget (idle unless --traffic)",
    )
    .option('--traffic <env=n,...>', 'with --all: requests per month assumed per environment', parseTraffic)
    .option('--template-dir <dir>', 'where npm run synth wrote the templates', 'cdk.out')
    .action(
      async (
        opts: {
          requestsPerMonth: number;
          templateDir: string;
          all?: boolean;
          traffic?: Record<string, number>;
        },
        cmd: Command,
      ) => {
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const env = globals.env && globals.env !== 'local' ? globals.env : 'production';
        const stacks = await readAssembly(opts.templateDir);
        const own = stacks.filter((s) => envOf(s.stackName) === env);
        if (own.length === 0)
          throw new CliError(
            `no template of ${resourceNames(env).stack} in ${opts.templateDir}; run npm run synth first`,
          );
        const budget = accountBudget(stacks);
        const output = createOutput(globals.json);
        if (opts.all) {
          const account = own[0]!.account;
          const inAccount = stacks.filter((s) => s.account === account);
          const shared = inAccount.filter((s) => !envOf(s.stackName)).map((s) => s.template);
          const parts: AccountPart[] = [
            ...ENVIRONMENTS.filter((e) => inAccount.some((s) => envOf(s.stackName) === e)).map((e) => ({
              name: e,
              estimate: priceEnvironment(
                inAccount.filter((s) => envOf(s.stackName) === e).map((s) => s.template),
                opts.traffic?.[e] ?? 0,
                shared,
              ),
            })),
            {
              name: 'account',
              estimate: priceEnvironment(shared, 0),
            },
          ];
          const result = estimateAccount(parts, budget.amount, budget.scope);
          output.print(renderAccount(result, parts), {
            prices: { asOf: PRICES.asOf, region: PRICES.region },
            ...result,
          });
          return;
        }
        const result = priceEnvironment(
          own.map((s) => s.template),
          opts.requestsPerMonth,
          stacks.filter((s) => !envOf(s.stackName) && s.account === own[0]!.account).map((s) => s.template),
        );
        const api = own
          .flatMap((s) => Object.values(s.template.Resources))
          .find(
            (r) =>
              r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.BEDROCK_MODEL_ID,
          );
        const model = modelCostPerProject(
          String(api?.Properties?.Environment?.Variables?.BEDROCK_MODEL_ID ?? ''),
          MODEL_USAGE.tokensPerStage,
          MODEL_USAGE.stages,
        );
        const data = {
          env,
          prices: { asOf: PRICES.asOf, region: PRICES.region },
          fixed: result.fixed,
          fixedTotal: result.fixedTotal,
          perMillionRequests: result.perMillion.items,
          perMillionRequestsTotal: result.perMillion.total,
          floorPerMillion: result.perMillion.floor,
          overFloor: result.perMillion.overFloor,
          gap: result.perMillion.gap,
          requestsPerMonth: result.requestsPerMonth,
          traffic: result.traffic,
          variableMonthly: result.trafficTotal,
          modelPerProject: model,
          totalMonthly: result.totalMonthly,
          budget: budget.amount,
          shareOfBudget:
            budget.amount > 0 ? Math.round((result.totalMonthly / budget.amount) * 1000) / 10 : null,
        };
        output.print(renderEnvironment(data), data);
      },
    );
}

function renderEnvironment(d: {
  env: string;
  fixed: LineItem[];
  fixedTotal: number;
  perMillionRequests: LineItem[];
  perMillionRequestsTotal: number;
  floorPerMillion: number;
  overFloor: number;
  gap: LineItem[];
  requestsPerMonth: number;
  traffic: LineItem[];
  variableMonthly: number;
  modelPerProject: ReturnType<typeof modelCostPerProject>;
  totalMonthly: number;
  budget: number;
  shareOfBudget: number | null;
}): string {
  return [
    `AgenticAI ${d.env}: estimated monthly cost (${PRICES.region} list prices as of ${PRICES.asOf}; free tier not applied — see --all)`,
    '',
    'Fixed, whatever the traffic (the hardening, its canaries and schedules):',
    table(['item', 'quantity', 'unit', 'price', 'monthly'], itemRows(d.fixed)),
    `Fixed total: ${usd(d.fixedTotal)} per month`,
    '',
    'Per million admitted requests:',
    table(['item', 'quantity', 'unit', 'price', 'per million'], itemRows(d.perMillionRequests, 4)),
    `Per million requests: ${usd(d.perMillionRequestsTotal)} — the floor (API Gateway REST + WAF + Lambda request + one DynamoDB write) is ${usd(d.floorPerMillion, 3)}; ${usd(d.overFloor)} above it:`,
    ...d.gap.map((g) => `  + ${usd(g.monthly, 4)}  ${g.item}`),
    '',
    `At ${d.requestsPerMonth.toLocaleString('en-US')} requests a month: ${usd(d.variableMonthly)} (${d.traffic.map((t) => `${t.item}: ${usd(t.monthly)}`).join('; ')})`,
    d.modelPerProject
      ? `Model per project: $${d.modelPerProject.usd.toFixed(4)} (${d.modelPerProject.modelId}, ${d.modelPerProject.stages} stages × ${d.modelPerProject.tokensPerStage.input} input + ${d.modelPerProject.tokensPerStage.output} output tokens)`
      : 'Model per project: no price known for the configured model',
    '',
    `Total: ${usd(d.totalMonthly)} per month before model use = ${d.shareOfBudget}% of the $${d.budget} budget.`,
  ].join('\n');
}

function renderAccount(result: ReturnType<typeof estimateAccount>, parts: AccountPart[]): string {
  const scope =
    result.budgetScope === 'account'
      ? 'the whole account'
      : `environment ${result.budgetScope} only (the budget is filtered by its Environment tag)`;
  return [
    `AgenticAI account: every environment against the one $${result.budget} budget (${PRICES.region} list prices as of ${PRICES.asOf})`,
    '',
    table(
      ['part', 'fixed', 'requests/month', 'traffic', 'gross', 'free tier', 'net', 'of budget'],
      result.parts.map((p) => [
        p.name,
        usd(p.fixed),
        p.requestsPerMonth.toLocaleString('en-US'),
        usd(p.traffic),
        usd(p.gross),
        usd(p.freeTier),
        usd(p.net),
        `${p.shareOfBudget}%`,
      ]),
    ),
    `Gross ${usd(result.gross)}; the account's always-free allowances ${usd(result.freeTierTotal)} (shared in proportion to gross):`,
    ...result.freeTier
      .filter((c) => c.monthly !== 0)
      .map((c) => `  ${usd(c.monthly)}  ${c.item} (${c.quantity} ${c.unit})`),
    '',
    `The budget covers ${scope}: ${usd(result.comparedWithBudget)} = ${result.shareOfBudget}% of $${result.budget} — ${result.withinBudget ? 'within budget' : 'OVER BUDGET'}.`,
    `Per-environment detail: agenticai --env <env> cost estimate (${parts.map((p) => p.name).join(', ')}).`,
  ].join('\n');
}
