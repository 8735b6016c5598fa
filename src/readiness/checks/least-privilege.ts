import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, resourcesOf } from '../template-set.ts';

/** Actions the specification forbids: `*` and whole services (`s3:*`). */
const tooBroad = (action: string) => action === '*' || /^[a-z0-9-]+:\*$/.test(action);
/** Services whose actions cannot be scoped to a resource, so `Resource: *` is the only form. */
const UNSCOPABLE = /^(xray:|cloudwatch:PutMetricData$|s3:ListAllMyBuckets$)/;

export const leastPrivilege: TemplateCheck = {
  id: 'least-privilege',
  requirements: ['R8.6'],
  description:
    'no "*" or "service:*" actions, no managed policies, "*" resources only for actions without resources (X-Ray, PutMetricData, ListAllMyBuckets)',
  run(set) {
    const inline = [
      ...resourcesOf(set, 'AWS::IAM::Policy').map((p) => ({
        where: p.logicalId,
        doc: p.props.PolicyDocument,
      })),
      ...resourcesOf(set, 'AWS::IAM::Role').flatMap((r) =>
        ((r.props.Policies ?? []) as Json[]).map((p) => ({
          where: `${r.logicalId}/${p.PolicyName}`,
          doc: p.PolicyDocument,
        })),
      ),
    ];
    const statements = inline.flatMap(({ where, doc }) =>
      ((doc?.Statement ?? []) as Json[]).map((s) => ({ where, s })),
    );
    const problems = [
      ...resourcesOf(set, 'AWS::IAM::Role')
        .filter((r) => (r.props.ManagedPolicyArns ?? []).length > 0)
        .map((r) => `role ${r.logicalId} has managed policies`),
      ...statements
        .filter(({ s }) => s.Effect !== 'Deny')
        .flatMap(({ where, s }) => {
          const actions: string[] = [s.Action ?? []].flat();
          const broad = actions.filter(tooBroad).map((a) => `${where}: action ${a}`);
          const starResource =
            [s.Resource ?? []].flat().includes('*') && !actions.every((a) => UNSCOPABLE.test(a))
              ? [`${where}: Resource * for ${actions.join(', ')}`]
              : [];
          return [...broad, ...starResource];
        }),
    ];
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${statements.length} statements in ${inline.length} policies: scoped actions and resources`);
  },
};
