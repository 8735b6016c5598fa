import { BudgetsClient, DescribeBudgetCommand } from '@aws-sdk/client-budgets';
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
} from '@aws-sdk/client-cost-explorer';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { CostRow, ReportPeriod } from '../../domain/cost-report.ts';

/** Forecast errors that mean "not enough history yet" (new accounts): fall back to a linear projection. */
const NO_FORECAST = new Set(['DataUnavailableException', 'ValidationException', 'BillExpirationException']);

/**
 * Cost Explorer for the report: daily unblended cost by service, credits and refunds excluded,
 * all pages; then a forecast for the rest of the month. Two calls when results fit one page
 * ($0.01 each). Its endpoint is us-east-1; `AWS_ENDPOINT_URL_COST_EXPLORER` overrides it.
 */
export class CostExplorerSource {
  private readonly ce: CostExplorerClient;

  constructor(config: { profile?: string } = {}) {
    this.ce = new CostExplorerClient({ region: 'us-east-1', ...config });
  }

  async dailyCosts(period: ReportPeriod): Promise<{ rows: CostRow[]; calls: number }> {
    const rows: CostRow[] = [];
    let token: string | undefined;
    let calls = 0;
    do {
      calls++;
      const page = await this.ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: period.start, End: period.queryEnd },
          Granularity: 'DAILY',
          Metrics: ['UnblendedCost'],
          GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
          Filter: { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } } },
          NextPageToken: token,
        }),
      );
      for (const day of page.ResultsByTime ?? []) {
        for (const group of day.Groups ?? []) {
          rows.push({
            date: day.TimePeriod?.Start ?? '',
            service: group.Keys?.[0] ?? 'Unknown',
            amount: Number(group.Metrics?.UnblendedCost?.Amount ?? 0),
          });
        }
      }
      token = page.NextPageToken;
    } while (token);
    return { rows, calls };
  }

  async forecastRest(period: ReportPeriod): Promise<number | undefined> {
    if (!period.forecast) return undefined;
    try {
      const { Total } = await this.ce.send(
        new GetCostForecastCommand({
          TimePeriod: { Start: period.forecast.start, End: period.forecast.end },
          Metric: 'UNBLENDED_COST',
          Granularity: 'MONTHLY',
        }),
      );
      const amount = Number(Total?.Amount);
      return Number.isFinite(amount) ? amount : undefined;
    } catch (error) {
      if (error instanceof Error && NO_FORECAST.has(error.name)) return undefined;
      throw error;
    }
  }

  destroy() {
    this.ce.destroy();
  }
}

/** The deployed budget's limit (USD), or undefined when there is none or it cannot be read. */
export async function deployedBudget(
  config: { region?: string; profile?: string },
  budgetName: string,
): Promise<number | undefined> {
  const sts = new STSClient({
    region: config.region ?? 'us-east-1',
    ...(config.profile && { profile: config.profile }),
  });
  const budgets = new BudgetsClient({
    region: 'us-east-1',
    ...(config.profile && { profile: config.profile }),
  });
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    const { Budget } = await budgets.send(
      new DescribeBudgetCommand({ AccountId: Account, BudgetName: budgetName }),
    );
    const amount = Number(Budget?.BudgetLimit?.Amount);
    return Number.isFinite(amount) ? amount : undefined;
  } catch {
    return undefined;
  } finally {
    sts.destroy();
    budgets.destroy();
  }
}
