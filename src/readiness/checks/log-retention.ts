import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, resourcesOf, text } from '../template-set.ts';

const DAYS = 30;

export const logRetention: TemplateCheck = {
  id: 'log-retention',
  requirements: ['R9.3'],
  description: `every log group is retained ${DAYS} days; no function or stage writes to a group that never expires`,
  run(set) {
    const groups = resourcesOf(set, 'AWS::Logs::LogGroup');
    const problems = [
      ...groups
        .filter((g) => g.props.RetentionInDays !== DAYS)
        .map(
          (g) =>
            `${text(g.props.LogGroupName ?? g.logicalId)}: retention ${g.props.RetentionInDays ?? 'never expires'}`,
        ),
      // Without an explicit group, Lambda creates /aws/lambda/<name> with no expiry.
      ...resourcesOf(set, 'AWS::Lambda::Function')
        .filter((f) => !f.props.LoggingConfig?.LogGroup)
        .map((f) => `function ${f.logicalId} logs to a group the stack does not own`),
      ...resourcesOf(set, 'AWS::ApiGateway::Stage')
        .filter((s) =>
          ((s.props.MethodSettings ?? []) as Json[]).some((m) => m.LoggingLevel && m.LoggingLevel !== 'OFF'),
        )
        .filter(() => !groups.some((g) => text(g.props.LogGroupName).includes('API-Gateway-Execution-Logs_')))
        .map(
          (s) =>
            `stage ${s.props.StageName ?? s.logicalId}: execution log group not created by the stack (never expires)`,
        ),
      ...set.stacks.flatMap((s) =>
        Object.entries(s.template.Resources ?? {})
          .filter(
            ([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource',
          )
          .map(([id]) => `custom resource ${id}: its provider function's log group escapes retention`),
      ),
    ];
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${groups.length} log groups, all ${DAYS} days`);
  },
};
