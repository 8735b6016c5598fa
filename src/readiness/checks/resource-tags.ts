import { fail, pass, type TemplateCheck } from '../check.ts';
import { allResources, type Json, ownStacks } from '../template-set.ts';

export const resourceTags: TemplateCheck = {
  id: 'resource-tags',
  requirements: ['C15'],
  description:
    'every taggable resource of the environment carries Application=AgenticAI and Environment=<env>',
  run(set) {
    const tagged = allResources({ ...set, stacks: ownStacks(set) }).filter((r) =>
      Array.isArray(r.props.Tags),
    );
    if (tagged.length === 0) return fail('no tagged resource');
    const has = (tags: Json[], key: string, value: string) =>
      tags.some((t) => t.Key === key && t.Value === value);
    const missing = tagged.filter(
      (r) => !has(r.props.Tags, 'Application', 'AgenticAI') || !has(r.props.Tags, 'Environment', set.env),
    );
    return missing.length > 0
      ? fail(`untagged: ${missing.map((r) => r.logicalId).join(', ')}`)
      : pass(`${tagged.length} taggable resources carry Application and Environment=${set.env}`);
  },
};
