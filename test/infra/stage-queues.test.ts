import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { parseEnvironment } from '../../infra/config.ts';
import { DEFAULT_PIPELINE_MAX_ATTEMPTS, loadConfig } from '../../src/config.ts';
import { SERVICES } from '../../src/observability/metrics.ts';
import { NO_BUNDLING } from './synth.ts';

type Resource = { Properties: Record<string, any> };

/** The dev stack's template with the given worker settings (no bundling). */
function devTemplate(workers: Record<string, number> = {}) {
  const config = parseEnvironment({
    name: 'dev',
    account: '123456789012',
    region: 'eu-west-1',
    ...(Object.keys(workers).length > 0 && { workers }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'agenticai-cdk-attempts-'));
  try {
    const { stacks } = buildApp([config], { outdir: dir, context: NO_BUNDLING });
    return Template.fromStack(stacks[0]!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function attemptsIn(template: Template) {
  const queues = Object.values(template.findResources('AWS::SQS::Queue')) as Resource[];
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
  const worker = functions.find(
    (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === SERVICES.worker,
  )!;
  return {
    redrive: queues
      .filter((q) => q.Properties.RedrivePolicy)
      .map((q) => q.Properties.RedrivePolicy.maxReceiveCount as number),
    // The literal variables (references such as the pepper secret's ARN resolve at deploy time).
    workerEnv: Object.fromEntries(
      Object.entries(worker.Properties.Environment.Variables as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    ),
  };
}

describe('C10 one attempts value for the SQS redrive policy and the application (issue 10)', () => {
  it('C10 the worker Lambda gets PIPELINE_MAX_ATTEMPTS equal to every stage queue’s maxReceiveCount (default 3)', () => {
    const { redrive, workerEnv } = attemptsIn(devTemplate());
    expect(redrive).toEqual([3, 3, 3, 3]);
    expect(workerEnv.PIPELINE_MAX_ATTEMPTS).toBe(String(DEFAULT_PIPELINE_MAX_ATTEMPTS));
    // What the application reads from that environment is the same number.
    expect(loadConfig(workerEnv).pipeline.maxAttempts).toBe(redrive[0]);
    // And with nothing set, local mode uses it too.
    expect(loadConfig({}).pipeline.maxAttempts).toBe(DEFAULT_PIPELINE_MAX_ATTEMPTS);
  });

  it('C10 changing workers.maxAttempts changes the redrive policy and the worker’s environment together', () => {
    const { redrive, workerEnv } = attemptsIn(
      devTemplate({ memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 2, maxAttempts: 5 }),
    );
    expect(redrive).toEqual([5, 5, 5, 5]);
    expect(workerEnv.PIPELINE_MAX_ATTEMPTS).toBe('5');
    expect(loadConfig(workerEnv).pipeline.maxAttempts).toBe(5);
  });
});
