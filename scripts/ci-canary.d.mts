import type { CanaryResult } from '../src/canary/health-check.ts';

/** CI's canary step against local mode (scripts/ci-canary.mjs). */
export function runCiCanary(opts?: {
  log?: (line: string) => void;
  print?: (text: string) => void;
}): Promise<{ code: number; result: CanaryResult }>;
