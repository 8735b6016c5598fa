import { DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { GetWebACLForResourceCommand } from '@aws-sdk/client-wafv2';
import { fail, pass } from '../check.ts';
import { ownStacks, referencedIds, resourcesOf } from '../template-set.ts';
import { awsProblem, type LiveCheck, type LiveContext } from './context.ts';

/** The physical id CloudFormation gave a resource of the template: a REST API's id, a stage's name. */
async function physicalId(ctx: LiveContext, stack: string, logicalId: string) {
  const { StackResourceDetail } = await ctx
    .cloudformation(ctx.regionOf(stack))
    .send(new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: logicalId }));
  return StackResourceDetail?.PhysicalResourceId;
}

export const liveWafAssociation: LiveCheck = {
  id: 'live:waf-association',
  requirements: ['R8.1'],
  description: "the environment's web ACL is associated with the deployed API stage",
  async run(ctx) {
    const own = new Set(ownStacks(ctx.set).map((s) => s.stackName));
    const api = resourcesOf(ctx.set, 'AWS::ApiGateway::RestApi').find((a) => own.has(a.stack));
    if (!api) return fail('no REST API in the template');
    // The stage, not a custom domain's URL: WAF protects the stage whatever name it is called by.
    const stage = resourcesOf(ctx.set, 'AWS::ApiGateway::Stage').find(
      (s) => s.stack === api.stack && referencedIds(s.props.RestApiId).includes(api.logicalId),
    );
    if (!stage) return fail(`no stage of ${api.logicalId} in the template`);
    const acls = resourcesOf(ctx.set, 'AWS::WAFv2::WebACL')
      .filter((a) => own.has(a.stack) && a.props.Scope === 'REGIONAL')
      .map((a) => String(a.props.Name));
    if (acls.length === 0) return fail('no regional web ACL in the template');
    let apiId: string | undefined;
    let stageName: string | undefined;
    try {
      apiId = await physicalId(ctx, api.stack, api.logicalId);
      stageName = await physicalId(ctx, api.stack, stage.logicalId);
    } catch (error) {
      return fail(awsProblem(api.stack, error));
    }
    if (!apiId || !stageName) return fail(`${api.stack}: the API or its stage is not deployed`);
    const region = ctx.regionOf(api.stack);
    const stageArn = `arn:${ctx.partition}:apigateway:${region}::/restapis/${apiId}/stages/${stageName}`;
    const what = `stage ${stageName} of API ${apiId}`;
    try {
      const { WebACL } = await ctx
        .wafv2(region)
        .send(new GetWebACLForResourceCommand({ ResourceArn: stageArn }));
      // WAF answers a stage without a web ACL with no WebACL, not with an error.
      if (!WebACL) return fail(`${what} has no web ACL`);
      if (!acls.includes(WebACL.Name ?? ''))
        return fail(`${what} is behind ${WebACL.Name}, not ${acls.join(' or ')}`);
      return pass(`${what} (${region}) behind web ACL ${WebACL.Name}`);
    } catch (error) {
      return fail(awsProblem(stageArn, error));
    }
  },
};
