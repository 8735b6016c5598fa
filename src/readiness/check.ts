import type { RequirementId } from './requirements.ts';
import type { TemplateSet } from './template-set.ts';

export type CheckStatus = 'pass' | 'fail' | 'not applicable';

export interface CheckResult {
  status: CheckStatus;
  /** What was found (pass) or what is wrong (fail): deterministic, no paths or hashes. */
  evidence: string;
}

/** One readiness rule over the synthesized templates of an environment, in the cdk-nag style. */
export interface TemplateCheck {
  id: string;
  requirements: readonly RequirementId[];
  description: string;
  /**
   * The catalog alarms the check looks for: when the environment's cost profile leaves all of them
   * out, a failure is reported as not applicable (with the profile) instead.
   */
  alarms?: readonly string[];
  run(set: TemplateSet): CheckResult;
}

export const pass = (evidence: string): CheckResult => ({ status: 'pass', evidence });
export const fail = (evidence: string): CheckResult => ({ status: 'fail', evidence });
export const notApplicable = (evidence: string): CheckResult => ({ status: 'not applicable', evidence });

/** Pass with `ok` when no problem was found, else fail listing the problems. */
export const verdict = (problems: string[], ok: string): CheckResult =>
  problems.length === 0 ? pass(ok) : fail(problems.join('; '));
