import { fail, pass, type TemplateCheck } from '../check.ts';
import type { RequirementId } from '../requirements.ts';
import { alarmsOf } from './helpers.ts';

/** The catalog alarms a checklist item asks for exist in the environment. */
export function alarmPresenceCheck(
  id: string,
  requirement: RequirementId,
  catalogIds: string[],
  description: string,
): TemplateCheck {
  return {
    id,
    requirements: [requirement],
    description,
    alarms: catalogIds,
    run(set) {
      const counts = catalogIds.map((c) => [c, alarmsOf(set, c).length] as const);
      const missing = counts.filter(([, n]) => n === 0).map(([c]) => c);
      return missing.length > 0
        ? fail(`no ${missing.join(', ')} alarm`)
        : pass(counts.map(([c, n]) => `${c} ×${n}`).join(', '));
    },
  };
}
