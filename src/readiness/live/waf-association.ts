import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetWebACLForResourceCommand } from '@aws-sdk/client-wafv2';
import { resourceNames } from '../../naming.ts';
import { fail, pass } from '../check.ts';
import { ownStacks, resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck } from './context.ts';

/** The deployed API from the stack's base-URL output: `https://<id>.execute-api.<region>.<suffix>/<stage>/`. */
const API_URL = /^https:\/\/([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.[^/]+\/([^/]+)\/?/;

export const liveWafAssociation: LiveCheck = {
  id: 'live:waf-association',
  requirements: ['R8.1'],
  description: "the environment's web ACL is associated with the deployed API stage",
  async run(ctx) {
    const own = new Set(ownStacks(ctx.set).map((s) => s.stackName));
    const api = resourcesOf(ctx.set, 'AWS::ApiGateway::RestApi').find((a) => own.has(a.stack));
    if (!api) return fail('no REST API in the template');
    const acls = resourcesOf(ctx.set, 'AWS::WAFv2::WebACL')
      .filter((a) => own.has(a.stack) && a.props.Scope === 'REGIONAL')
      .map((a) => String(a.props.Name));
    if (acls.length === 0) return fail('no regional web ACL in the template');
    const output = resourceNames(ctx.set.env).apiUrlOutput;
    let url: string | undefined;
    try {
      const { Stacks } = await ctx
        .cloudformation(ctx.regionOf(api.stack))
        .send(new DescribeStacksCommand({ StackName: api.stack }));
      url = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === output)?.OutputValue;
    } catch (error) {
      return fail(awsProblem(api.stack, error));
    }
    const match = url?.match(API_URL);
    if (!match) return fail(`${api.stack}: no ${output} output naming the API (${url ?? 'none'})`);
    const [, apiId, region, stage] = match as unknown as [string, string, string, string];
    const stageArn = `arn:${ctx.partition}:apigateway:${region}::/restapis/${apiId}/stages/${stage}`;
    try {
      const { WebACL } = await ctx
        .wafv2(region)
        .send(new GetWebACLForResourceCommand({ ResourceArn: stageArn }));
      // WAF answers a stage without a web ACL with no WebACL, not with an error.
      if (!WebACL) return fail(`stage ${stage} of API ${apiId} has no web ACL`);
      if (!acls.includes(WebACL.Name ?? ''))
        return fail(`stage ${stage} of API ${apiId} is behind ${WebACL.Name}, not ${acls.join(' or ')}`);
      return pass(`stage ${stage} of API ${apiId} (${region}) behind web ACL ${WebACL.Name}`);
    } catch (error) {
      return fail(awsProblem(stageArn, error));
    }
  },
};
