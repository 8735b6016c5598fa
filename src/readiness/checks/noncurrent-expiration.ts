import { fail, pass, type TemplateCheck } from '../check.ts';
import type { Json } from '../template-set.ts';
import { dataBuckets } from './artifact-versioning.ts';

const DAYS = 30;

export const noncurrentExpiration: TemplateCheck = {
  id: 'noncurrent-expiration',
  requirements: ['R7.4'],
  description: `non-current versions of every data bucket are kept ${DAYS} days, then expire`,
  run(set) {
    const buckets = dataBuckets(set);
    if (buckets.length === 0) return fail('no data bucket');
    const problems = buckets.flatMap((b) => {
      const rules = (b.props.LifecycleConfiguration?.Rules ?? []) as Json[];
      const rule = rules.find((r) => r.Status === 'Enabled' && r.NoncurrentVersionExpiration);
      const days = rule?.NoncurrentVersionExpiration?.NoncurrentDays;
      return days === DAYS
        ? []
        : [
            `${b.logicalId}: non-current versions ${days === undefined ? 'never expire' : `expire after ${days} days`}`,
          ];
    });
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${buckets.map((b) => b.logicalId).join(', ')}: NoncurrentDays ${DAYS}`);
  },
};
