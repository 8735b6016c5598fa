/**
 * The health-check canary (R11): one script, run by CloudWatch Synthetics in AWS
 * (synthetics-handler.ts) and by `agenticai canary run` locally. It is pure logic over an injected
 * `fetch`, a clock and a step runner (what the Synthetics runtime provides: step timing and logs),
 * so every failure it names is tested without a network or real time.
 */

export const CANARY_STEPS = ['health', 'create-project', 'read-project'] as const;
export type CanaryStepName = (typeof CANARY_STEPS)[number];

// The zod-free module: this file is bundled into the Synthetics script, which stays small.
import { CANARY_HEADER } from '../domain/canary.ts';

export { CANARY_HEADER };

export interface CanaryStepResult {
  step: CanaryStepName;
  ok: boolean;
  /** Wall time of the step (R11.4), from the injected clock. */
  durationMs: number;
  /** HTTP status, when the endpoint answered. */
  status?: number;
  /** Why the step failed: connection error, status and API error code, or the time over budget. */
  reason?: string;
}

export interface CanaryResult {
  ok: boolean;
  endpoint: string;
  steps: CanaryStepResult[];
  /** The first failed step and its reason; later steps do not run. */
  failed?: { step: CanaryStepName; reason: string };
  /** The project the canary created (when it got that far). */
  projectId?: string;
  totalMs: number;
}

export interface CanaryOptions {
  /** The API's base URL, e.g. http://127.0.0.1:3000 or https://…/v1/. */
  endpoint: string;
  apiKey: string;
  /** A step slower than this fails (R11.4). */
  stepBudgetMs: number;
  /** Hard limit on one request, so a hung endpoint cannot hang the canary. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Runs `fn` as a named step; Synthetics' `executeStep` and the local shim both fit. */
export type StepRunner = <T>(name: CanaryStepName, fn: () => Promise<T>) => Promise<T>;

export interface CanaryDeps {
  fetch: typeof fetch;
  /** Milliseconds from a monotonic source (performance.now in production). */
  now: () => number;
  runStep?: StepRunner;
}

const directStep: StepRunner = (_name, fn) => fn();

/** Thrown inside a step: its message is the step's reason. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function runCanary(opts: CanaryOptions, deps: CanaryDeps): Promise<CanaryResult> {
  const runStep = deps.runStep ?? directStep;
  const base = opts.endpoint.endsWith('/') ? opts.endpoint : `${opts.endpoint}/`;
  const steps: CanaryStepResult[] = [];
  const started = deps.now();
  let projectId: string | undefined;

  const call = async (method: string, path: string, body?: unknown) => {
    const url = new URL(path, base).toString();
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method,
        headers: {
          'X-API-Key': opts.apiKey,
          [CANARY_HEADER]: '1',
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.requestTimeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new StepFailure(`${method} ${url} failed: ${connectionReason(error)}`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, url };
  };

  const expect = (
    r: { status: number; json: unknown; url: string },
    wanted: number,
    method: string,
  ): Record<string, unknown> => {
    if (r.status !== wanted) {
      throw new StepFailure(
        `${method} ${r.url} answered HTTP ${r.status}${statusMeaning(r.status)}${apiError(r.json)}`,
        r.status,
      );
    }
    if (typeof r.json !== 'object' || r.json === null)
      throw new StepFailure(`${method} ${r.url} answered HTTP ${r.status} without a JSON body`, r.status);
    return r.json as Record<string, unknown>;
  };

  const step = async (name: CanaryStepName, fn: () => Promise<number>): Promise<boolean> => {
    const t0 = deps.now();
    let status: number | undefined;
    let reason: string | undefined;
    try {
      status = await runStep(name, fn);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      if (error instanceof StepFailure) status = error.status;
    }
    const durationMs = Math.round((deps.now() - t0) * 100) / 100;
    if (reason === undefined && durationMs > opts.stepBudgetMs)
      reason = `took ${durationMs} ms, over the step budget of ${opts.stepBudgetMs} ms`;
    steps.push({
      step: name,
      ok: reason === undefined,
      durationMs,
      ...(status !== undefined && { status }),
      ...(reason !== undefined && { reason }),
    });
    return reason === undefined;
  };

  const done = (): CanaryResult => {
    const failedStep = steps.find((s) => !s.ok);
    return {
      ok: failedStep === undefined,
      endpoint: opts.endpoint,
      steps,
      ...(failedStep && { failed: { step: failedStep.step, reason: failedStep.reason ?? 'failed' } }),
      ...(projectId && { projectId }),
      totalMs: Math.round((deps.now() - started) * 100) / 100,
    };
  };

  const healthy = await step('health', async () => {
    const r = await call('GET', 'health');
    const body = expect(r, 200, 'GET');
    if (body.status !== 'ok')
      throw new StepFailure(`GET ${r.url} reported status ${String(body.status)}`, r.status);
    return r.status;
  });
  if (!healthy) return done();

  const created = await step('create-project', async () => {
    const r = await call('POST', 'api/projects', {
      name: 'canary',
      type: 'api',
      description: 'Synthetic health check (R11.3): created and read back by the canary.',
    });
    const body = expect(r, 202, 'POST');
    if (typeof body.id !== 'string')
      throw new StepFailure(`POST ${r.url} answered without a project id`, r.status);
    projectId = body.id;
    return r.status;
  });
  if (!created || projectId === undefined) return done();

  const id = projectId;
  await step('read-project', async () => {
    const r = await call('GET', `api/projects/${encodeURIComponent(id)}`);
    const body = expect(r, 200, 'GET');
    if (body.id !== id)
      throw new StepFailure(`GET ${r.url} returned project ${String(body.id)}, not ${id}`, r.status);
    return r.status;
  });
  return done();
}

function connectionReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer before the request timeout';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the endpoint up?)';
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error.message;
}

function statusMeaning(status: number): string {
  if (status === 401) return ' (the canary key is missing or unknown)';
  if (status === 403)
    return ' (the canary key is unknown, revoked or expired: rotate it with `agenticai keys rotate`)';
  if (status === 429) return ' (rate limited or over quota)';
  if (status >= 500) return ' (server error)';
  return '';
}

function apiError(json: unknown): string {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!error || typeof error.code !== 'string') return '';
  return `: ${error.code}${typeof error.message === 'string' ? ` (${error.message})` : ''}`;
}

/** One line per step, for humans and the Synthetics log. */
export function describeCanary(result: CanaryResult): string {
  const lines = result.steps.map(
    (s) =>
      `${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(15)} ${String(s.durationMs).padStart(9)} ms${s.status ? `  HTTP ${s.status}` : ''}${s.reason ? `  ${s.reason}` : ''}`,
  );
  const skipped = CANARY_STEPS.filter((name) => !result.steps.some((s) => s.step === name));
  for (const name of skipped) lines.push(`skip ${name}`);
  lines.push(
    result.ok
      ? `Canary passed against ${result.endpoint} in ${result.totalMs} ms.`
      : `Canary failed at step ${result.failed?.step}: ${result.failed?.reason}`,
  );
  return lines.join('\n');
}
