/**
 * The month's spending, by service and by day, against the budget, with a projected month end
 * (R5.4, R5.5). Pure: dates are UTC calendar days as `YYYY-MM-DD`; Cost Explorer's `End` is
 * exclusive, which `reportPeriod` accounts for.
 */
export interface CostRow {
  date: string;
  service: string;
  amount: number;
}

export interface CostReport {
  currency: 'USD';
  period: { start: string; end: string };
  monthToDate: number;
  budget: number;
  percentOfBudget: number;
  projectedMonthEnd: number;
  projectionMethod: 'forecast' | 'linear';
  daysRemaining: number;
  status: 'within' | 'warning' | 'over';
  byService: { service: string; amount: number; share: number }[];
  daily: { date: string; amount: number }[];
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));
const round = (n: number) => Math.round(n * 100) / 100;

export interface ReportPeriod {
  /** First day of the month. */
  start: string;
  /** Last day included in the report (today for the current month). */
  lastDay: string;
  /** Cost Explorer `End` (exclusive): the day after `lastDay`. */
  queryEnd: string;
  /** Forecast window for the rest of the month, or undefined (last day, or a past month). */
  forecast?: { start: string; end: string };
  daysInMonth: number;
  daysSoFar: number;
}

/** The reporting window for `month` (YYYY-MM), or the current month as of `now`. */
export function reportPeriod(now: Date, month?: string): ReportPeriod {
  const [y, m] = month
    ? (month.split('-').map(Number) as [number, number])
    : [now.getUTCFullYear(), now.getUTCMonth() + 1];
  const first = utc(y, m - 1, 1);
  const nextMonth = utc(y, m, 1);
  const daysInMonth = Math.round((nextMonth.getTime() - first.getTime()) / 86_400_000);
  const current = now.getUTCFullYear() === y && now.getUTCMonth() + 1 === m;
  if (!current && nextMonth.getTime() > now.getTime())
    throw new RangeError(`month ${month} has not started yet`);
  const lastDay = current ? utc(y, m - 1, now.getUTCDate()) : utc(y, m, 0);
  const queryEnd = utc(lastDay.getUTCFullYear(), lastDay.getUTCMonth(), lastDay.getUTCDate() + 1);
  const daysSoFar = lastDay.getUTCDate();
  return {
    start: iso(first),
    lastDay: iso(lastDay),
    queryEnd: iso(queryEnd),
    ...(current &&
      queryEnd.getTime() < nextMonth.getTime() && {
        forecast: { start: iso(queryEnd), end: iso(nextMonth) },
      }),
    daysInMonth,
    daysSoFar,
  };
}

export function buildCostReport(args: {
  period: ReportPeriod;
  rows: CostRow[];
  budget: number;
  forecastRest?: number;
}): CostReport {
  const { period, rows, budget } = args;
  const byServiceMap = new Map<string, number>();
  const byDay = new Map<string, number>();
  for (const row of rows) {
    byServiceMap.set(row.service, (byServiceMap.get(row.service) ?? 0) + row.amount);
    byDay.set(row.date, (byDay.get(row.date) ?? 0) + row.amount);
  }
  const monthToDate = round([...byServiceMap.values()].reduce((a, b) => a + b, 0));
  const byService = [...byServiceMap.entries()]
    .map(([service, amount]) => ({
      service,
      amount: round(amount),
      share: monthToDate > 0 ? round((amount / monthToDate) * 100) : 0,
    }))
    .filter((s) => s.amount !== 0)
    .sort((a, b) => b.amount - a.amount || a.service.localeCompare(b.service));
  const daily = Array.from({ length: period.daysSoFar }, (_, i) => {
    const date = `${period.start.slice(0, 8)}${String(i + 1).padStart(2, '0')}`;
    return { date, amount: round(byDay.get(date) ?? 0) };
  });
  const finished = period.daysSoFar === period.daysInMonth && !period.forecast;
  const useForecast = args.forecastRest !== undefined && period.forecast !== undefined;
  const projectedMonthEnd = finished
    ? monthToDate
    : useForecast
      ? round(monthToDate + args.forecastRest!)
      : round((monthToDate / period.daysSoFar) * period.daysInMonth);
  const percentOfBudget = budget > 0 ? round((monthToDate / budget) * 100) : 0;
  const status =
    monthToDate > budget
      ? 'over'
      : projectedMonthEnd > budget || percentOfBudget >= 80
        ? 'warning'
        : 'within';
  return {
    currency: 'USD',
    period: { start: period.start, end: period.lastDay },
    monthToDate,
    budget,
    percentOfBudget,
    projectedMonthEnd,
    projectionMethod: useForecast ? 'forecast' : 'linear',
    daysRemaining: period.daysInMonth - period.daysSoFar,
    status,
    byService,
    daily,
  };
}
