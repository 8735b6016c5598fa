import { fail, pass, type TemplateCheck } from '../check.ts';
import { referencedIds, resourcesOf } from '../template-set.ts';

export const wafAssociation: TemplateCheck = {
  id: 'waf-association',
  requirements: ['R8.1'],
  description: 'a regional web ACL is associated with every REST API stage',
  run(set) {
    const stages = resourcesOf(set, 'AWS::ApiGateway::Stage');
    if (stages.length === 0) return fail('no API Gateway stage');
    const acls = resourcesOf(set, 'AWS::WAFv2::WebACL').filter((a) => a.props.Scope === 'REGIONAL');
    const associations = resourcesOf(set, 'AWS::WAFv2::WebACLAssociation');
    const problems = stages.flatMap((stage) => {
      const association = associations.find((a) =>
        referencedIds(a.props.ResourceArn).includes(stage.logicalId),
      );
      if (!association) return [`stage ${stage.logicalId} has no web ACL`];
      const acl = acls.find((a) => referencedIds(association.props.WebACLArn).includes(a.logicalId));
      return acl
        ? []
        : [`stage ${stage.logicalId} is associated with no regional web ACL of this environment`];
    });
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${stages.length} stage(s) behind web ACL ${acls.map((a) => a.props.Name).join(', ')}`);
  },
};
