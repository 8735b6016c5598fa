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

/** How the report draws: Unicode blocks in a terminal, plain ASCII elsewhere (pipes, files, NO_COLOR). */
export type ChartStyle = 'unicode' | 'ascii';

const GLYPHS = {
  unicode: { bar: '█', empty: '░', marker: '│', spark: '▁▂▃▄▅▆▇█', ok: '✓', warn: '!', over: '✗' },
  ascii: { bar: '#', empty: '.', marker: '|', spark: '_.:-=+*#', ok: 'OK', warn: '!', over: 'OVER' },
} as const;

const money = (n: number) => `$${n.toFixed(2)}`;
const BAR_WIDTH = 30;
const GAUGE_WIDTH = 40;

/** One character per day of the month: the day's spend on an 8-level ramp, blank for days to come. */
export function sparkline(report: CostReport, daysInMonth: number, style: ChartStyle): string {
  const ramp = GLYPHS[style].spark;
  const peak = Math.max(0, ...report.daily.map((d) => d.amount));
  const days = report.daily.map((d) =>
    peak > 0 ? ramp[Math.min(ramp.length - 1, Math.floor((d.amount / peak) * (ramp.length - 1)))] : ramp[0],
  );
  return `${days.join('')}${' '.repeat(Math.max(0, daysInMonth - days.length))}`;
}

/** A bar of `value` on a scale that fits both it and the budget, the budget marked where it falls. */
export function gauge(value: number, budget: number, scale: number, style: ChartStyle, width = GAUGE_WIDTH) {
  const g = GLYPHS[style];
  const at = (n: number) => (scale > 0 ? Math.min(width, Math.round((n / scale) * width)) : 0);
  const filled = at(value);
  const cells: string[] = Array.from({ length: width }, (_, i) => (i < filled ? g.bar : g.empty));
  cells.splice(at(budget), 0, g.marker);
  return cells.join('');
}

const STATUS_TEXT: Record<CostReport['status'], string> = {
  within: 'Within Budget',
  warning: 'Warning: on course to exceed the budget, or past 80 %',
  over: 'Over Budget',
};

/** The report as text: spend by service, the daily trend, and the month-end projection against the budget. */
export function renderCostReport(report: CostReport, style: ChartStyle): string {
  const g = GLYPHS[style];
  const monthName = new Date(`${report.period.start}T00:00:00Z`).toLocaleString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const title = `AgenticAI Cost Report - ${monthName}`;
  const width = Math.max(0, ...report.byService.map((s) => s.service.length)) + 1;
  const peak = Math.max(0, ...report.daily.map((d) => d.amount));
  const bar = (amount: number) => (peak > 0 ? g.bar.repeat(Math.round((amount / peak) * BAR_WIDTH)) : '');
  const daysInMonth = report.daily.length + report.daysRemaining;
  const scale = Math.max(report.budget, report.projectedMonthEnd, report.monthToDate);
  const pct = (n: number) => (report.budget > 0 ? `${((n / report.budget) * 100).toFixed(1)}%` : '—');
  const mark = { within: g.ok, warning: g.warn, over: g.over }[report.status];
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
    ...report.daily.map((d) =>
      `  ${d.date.slice(5)} ${money(d.amount).padStart(9)} ${bar(d.amount)}`.trimEnd(),
    ),
    `  month  [${sparkline(report, daysInMonth, style)}]`,
    '',
    `Projection against the budget (${g.marker} = ${money(report.budget)}):`,
    `  spent so far ${money(report.monthToDate).padStart(9)} ${gauge(report.monthToDate, report.budget, scale, style)} ${pct(report.monthToDate)} of budget`,
    `  month end    ${money(report.projectedMonthEnd).padStart(9)} ${gauge(report.projectedMonthEnd, report.budget, scale, style)} ${pct(report.projectedMonthEnd)} of budget`,
    '',
    `Projected End-of-Month: ${money(report.projectedMonthEnd)} (${report.projectionMethod === 'forecast' ? 'AWS forecast' : 'linear from month to date'})`,
    `Status: ${mark} ${STATUS_TEXT[report.status]}`,
    '',
    "Unblended cost from Cost Explorer, credits and refunds excluded; today's figure is partial.",
  ].join('\n');
}
