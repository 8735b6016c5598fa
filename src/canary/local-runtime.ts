import type { CanaryStepName, StepRunner } from './health-check.ts';

/**
 * What the Synthetics runtime gives a canary, for local runs: `executeStep` logs the start and
 * outcome of each named step (the timing itself is the canary's, from its injected clock).
 */
export function localStepRunner(log: (line: string) => void, quiet = false): StepRunner {
  return async <T>(name: CanaryStepName, fn: () => Promise<T>): Promise<T> => {
    if (!quiet) log(`Executing step: ${name}`);
    try {
      const value = await fn();
      if (!quiet) log(`Step ${name} succeeded`);
      return value;
    } catch (error) {
      if (!quiet) log(`Step ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}
