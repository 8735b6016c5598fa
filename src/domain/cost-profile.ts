/**
 * Cost profiles (docs/COSTS.md): what an environment spends on hardening. `full` keeps everything;
 * `lean` (staging) and `minimal` (dev) keep the alarm catalog's subsets (each alarm's `profiles`).
 */
export const COST_PROFILES = ['full', 'lean', 'minimal'] as const;
export type CostProfile = (typeof COST_PROFILES)[number];

/** Template metadata key of an environment stack: what its cost profile gives up. */
export const COST_PROFILE_METADATA = 'AgenticAI::CostProfile';

export interface CostProfileMetadata {
  profile: CostProfile;
  /** Catalog alarm ids the profile leaves out. */
  omittedAlarms: string[];
  /** Requirement id → why this environment gives it up (readiness reports it as not applicable). */
  waived: Record<string, string>;
}
