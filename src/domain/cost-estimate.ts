/**
 * What the system costs to run, from its synthesized CloudFormation template: the fixed monthly
 * cost of the hardening, the variable cost per million requests, and the model cost per project.
 * Prices: AWS us-east-1 list prices as of PRICES.asOf (see docs/PERFORMANCE.md); estimates, not bills.
 */
export const PRICES = {
  asOf: '2026-11-01',
  region: 'us-east-1',
  wafWebAclMonth: 5,
  wafRuleMonth: 1,
  wafPerMillionRequests: 0.6,
  alarmPerMetricMonth: 0.1,
  compositeAlarmMonth: 0.5,
  dashboardMonth: 3,
  freeDashboards: 3,
  canaryRun: 0.0012,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  customMetricMonth: 0.3,
  apiGatewayRestPerMillion: 3.5,
  lambdaPerMillionRequests: 0.2,
  lambdaArmGbSecond: 0.0000133334,
  dynamoWritePerMillion: 0.625,
  dynamoReadPerMillion: 0.125,
  logsIngestPerGb: 0.5,
  /** Bedrock on-demand, per million tokens, by model id prefix. */
  models: {
    'anthropic.claude-haiku-4-5': { input: 1, output: 5 },
    'anthropic.claude-sonnet-4-5': { input: 3, output: 15 },
    'anthropic.claude-3-5-haiku': { input: 0.8, output: 4 },
    'anthropic.claude-3-haiku': { input: 0.25, output: 1.25 },
    'anthropic.claude-3-5-sonnet': { input: 3, output: 15 },
  } as Record<string, { input: number; output: number }>,
} as const;

type Resource = { Type: string; Properties?: Record<string, any> };
export type Template = { Resources: Record<string, Resource> };

export interface EstimateInputs {
  requestsPerMonth: number;
  /** API function duration per request (measured: docs/PERFORMANCE.md). */
  apiDurationMs: number;
  apiMemoryMb?: number;
  /** Log bytes ingested per API request (access + auth lines, measured). */
  logBytesPerRequest: number;
  /** Store writes and reads per request (the rate-limit counter; key records are cached). */
  writesPerRequest: number;
  readsPerRequest: number;
  customMetrics: number;
  modelId: string;
  /** Tokens one stage uses, on average. */
  tokensPerStage: { input: number; output: number };
  stagesPerProject: number;
  budget: number;
}

export interface LineItem {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthly: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const ofType = (t: Template, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

function alarmMetricCount(alarm: Resource): number {
  const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return metrics ? metrics.filter((m) => m.MetricStat).length : 1;
}

/** Minutes between a canary's runs, from its `rate(…)` schedule. */
function canaryIntervalMinutes(canary: Resource): number | undefined {
  const expression = String(canary.Properties?.Schedule?.Expression ?? '');
  const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!rate) return undefined;
  return Number(rate[1]) * (rate[2]!.startsWith('hour') ? 60 : 1);
}

function canaryRunsPerMonth(canary: Resource): number {
  const minutes = canaryIntervalMinutes(canary);
  return minutes ? Math.round((30 * 24 * 60) / minutes) : 0;
}

/** "run (2 regions × 8640 per month, every 5 min)": one canary per region (R11.5), at its interval. */
function canaryUnit(canaries: Resource[]): string {
  const intervals = [...new Set(canaries.map(canaryIntervalMinutes))];
  if (canaries.length === 0 || intervals.length !== 1 || intervals[0] === undefined) return 'run';
  const regions = `${canaries.length} region${canaries.length === 1 ? '' : 's'}`;
  return `run (${regions} × ${canaryRunsPerMonth(canaries[0]!)} per month, every ${intervals[0]} min)`;
}

export function estimate(templates: Template[], inputs: EstimateInputs) {
  // Keyed by template too: stacks reuse logical ids (every canary stack's canary is `HealthCanary…`).
  const all: Template = {
    Resources: Object.fromEntries(
      templates.flatMap((t, i) => Object.entries(t.Resources).map(([id, r]) => [`${i}/${id}`, r])),
    ),
  };
  const fixed: LineItem[] = [];
  const add = (item: string, quantity: number, unit: string, unitPrice: number) =>
    fixed.push({ item, quantity, unit, unitPrice, monthly: round(quantity * unitPrice) });

  const acls = ofType(all, 'AWS::WAFv2::WebACL');
  add('WAF web ACLs', acls.length, 'web ACL-month', PRICES.wafWebAclMonth);
  add(
    'WAF rules (incl. managed groups)',
    acls.reduce((n, a) => n + (a.Properties?.Rules?.length ?? 0), 0),
    'rule-month',
    PRICES.wafRuleMonth,
  );
  const alarms = ofType(all, 'AWS::CloudWatch::Alarm');
  add(
    'CloudWatch alarms (per metric)',
    alarms.reduce((n, a) => n + alarmMetricCount(a), 0),
    'alarm metric-month',
    PRICES.alarmPerMetricMonth,
  );
  add(
    'CloudWatch composite alarms',
    ofType(all, 'AWS::CloudWatch::CompositeAlarm').length,
    'alarm-month',
    PRICES.compositeAlarmMonth,
  );
  add(
    'Dashboards beyond the 3 free',
    Math.max(0, ofType(all, 'AWS::CloudWatch::Dashboard').length - PRICES.freeDashboards),
    'dashboard-month',
    PRICES.dashboardMonth,
  );
  const canaries = ofType(all, 'AWS::Synthetics::Canary');
  add(
    'Synthetics canary runs',
    canaries.reduce((n, c) => n + canaryRunsPerMonth(c), 0),
    canaryUnit(canaries),
    PRICES.canaryRun,
  );
  add('KMS customer-managed keys', ofType(all, 'AWS::KMS::Key').length, 'key-month', PRICES.kmsKeyMonth);
  add(
    'Secrets Manager secrets',
    ofType(all, 'AWS::SecretsManager::Secret').length,
    'secret-month',
    PRICES.secretMonth,
  );
  add(
    'Custom metrics (EMF name × dimensions)',
    inputs.customMetrics,
    'metric-month',
    PRICES.customMetricMonth,
  );
  const fixedTotal = round(fixed.reduce((n, i) => n + i.monthly, 0));

  const memoryGb = (inputs.apiMemoryMb ?? 512) / 1024;
  const perMillion: LineItem[] = [
    {
      item: 'API Gateway REST requests',
      quantity: 1,
      unit: 'million requests',
      unitPrice: PRICES.apiGatewayRestPerMillion,
      monthly: 0,
    },
    {
      item: 'WAF requests',
      quantity: acls.length > 0 ? 1 : 0,
      unit: 'million requests',
      unitPrice: PRICES.wafPerMillionRequests,
      monthly: 0,
    },
    {
      item: 'Lambda requests',
      quantity: 1,
      unit: 'million requests',
      unitPrice: PRICES.lambdaPerMillionRequests,
      monthly: 0,
    },
    {
      item: `Lambda compute (arm64, ${inputs.apiMemoryMb ?? 512} MB, ${inputs.apiDurationMs} ms)`,
      quantity: round(1_000_000 * memoryGb * (inputs.apiDurationMs / 1000), 0),
      unit: 'GB-second',
      unitPrice: PRICES.lambdaArmGbSecond,
      monthly: 0,
    },
    {
      item: 'DynamoDB writes (rate-limit counter)',
      quantity: inputs.writesPerRequest,
      unit: 'million write units',
      unitPrice: PRICES.dynamoWritePerMillion,
      monthly: 0,
    },
    {
      item: 'DynamoDB reads',
      quantity: inputs.readsPerRequest,
      unit: 'million read units',
      unitPrice: PRICES.dynamoReadPerMillion,
      monthly: 0,
    },
    {
      item: `Log ingestion (${inputs.logBytesPerRequest} bytes/request)`,
      quantity: round((inputs.logBytesPerRequest * 1_000_000) / 1024 ** 3, 4),
      unit: 'GB',
      unitPrice: PRICES.logsIngestPerGb,
      monthly: 0,
    },
  ].map((i) => ({ ...i, monthly: round(i.quantity * i.unitPrice, 4) }));
  const perMillionTotal = round(
    perMillion.reduce((n, i) => n + i.monthly, 0),
    4,
  );
  const variableMonthly = round(perMillionTotal * (inputs.requestsPerMonth / 1_000_000));

  // A cross-region inference profile (`us.`, `eu.`, `apac.`, `global.` + model id) bills its model's price.
  const baseModelId = inputs.modelId.replace(/^(us|eu|apac|global)\./, '');
  const modelPrice = Object.entries(PRICES.models).find(([prefix]) => baseModelId.startsWith(prefix))?.[1];
  const perProject = modelPrice
    ? round(
        (inputs.stagesPerProject *
          (inputs.tokensPerStage.input * modelPrice.input +
            inputs.tokensPerStage.output * modelPrice.output)) /
          1_000_000,
        4,
      )
    : undefined;

  const total = round(fixedTotal + variableMonthly);
  return {
    prices: { asOf: PRICES.asOf, region: PRICES.region },
    fixed,
    fixedTotal,
    perMillionRequests: perMillion,
    perMillionRequestsTotal: perMillionTotal,
    requestsPerMonth: inputs.requestsPerMonth,
    variableMonthly,
    modelPerProject:
      perProject === undefined
        ? null
        : {
            modelId: inputs.modelId,
            usd: perProject,
            tokensPerStage: inputs.tokensPerStage,
            stages: inputs.stagesPerProject,
          },
    totalMonthly: total,
    budget: inputs.budget,
    shareOfBudget: inputs.budget > 0 ? round((total / inputs.budget) * 100, 1) : null,
  };
}
