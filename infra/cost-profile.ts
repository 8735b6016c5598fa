import { COST_PROFILE_METADATA, type CostProfileMetadata } from '../src/domain/cost-profile.ts';
import { ALARM_CATALOG, SYSTEM_HEALTH } from '../src/observability/alarm-catalog.ts';
import type { EnvironmentConfig } from './config.ts';

export { COST_PROFILE_METADATA };

/** The R11.1 interval: a longer one is a cost choice of the environment, not a defect. */
const SPEC_CANARY_MINUTES = 5;

/**
 * What an environment's configuration gives up to cost less, written into its template's metadata
 * so that `agenticai readiness` reports those requirements as not applicable there (with the
 * reason) instead of failing them, and production, which gives up nothing, is checked in full.
 */
export function costProfileMetadata(config: EnvironmentConfig): CostProfileMetadata {
  const profile = config.costProfile;
  const omitted = ALARM_CATALOG.filter((spec) => !spec.profiles.includes(profile));
  const waived: Record<string, string> = {};
  const why = `${config.name} runs the ${profile} cost profile (docs/COSTS.md)`;
  if (!config.waf.enabled) {
    waived['R8.1'] = `no web ACL: ${why}, waf.enabled false`;
    waived['R8.2'] = `no web ACL rules: ${why}, waf.enabled false`;
  }
  if (!SYSTEM_HEALTH.profiles.includes(profile))
    waived.C5 = `no composite alarm: ${why}; its alarms page directly`;
  if (config.canaryIntervalMinutes > SPEC_CANARY_MINUTES)
    waived['R11.1'] = `canary every ${config.canaryIntervalMinutes} minutes: ${why}`;
  return { profile, omittedAlarms: omitted.map((spec) => spec.id), waived };
}
