import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, resourcesOf } from '../template-set.ts';

const ALL_AT_ONCE = 'CodeDeployDefault.LambdaAllAtOnce';
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'];

/**
 * R12.5: every function alias is deployed through a CodeDeploy deployment group (the alias's
 * CodeDeployLambdaAliasUpdate policy) that rolls back by itself on a failed deployment and on its
 * alarms; production shifts traffic gradually, never all at once.
 */
export const gradualDeployments: TemplateCheck = {
  id: 'gradual-deployments',
  requirements: ['R12.5'],
  description:
    'every live alias deploys through CodeDeploy with automatic rollback on alarms; production shifts gradually',
  run(set) {
    const aliases = resourcesOf(set, 'AWS::Lambda::Alias');
    const groups = resourcesOf(set, 'AWS::CodeDeploy::DeploymentGroup');
    if (aliases.length === 0) return fail('no function alias');
    const problems: string[] = [];
    for (const alias of aliases) {
      const ref = (alias.resource as Json).UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName
        ?.Ref;
      if (!groups.some((g) => g.stack === alias.stack && g.logicalId === ref))
        problems.push(`alias ${alias.logicalId} is not deployed through a CodeDeploy deployment group`);
    }
    const used = new Set<string>();
    for (const group of groups) {
      const name = group.props.DeploymentGroupName ?? group.logicalId;
      used.add(`${name} (${group.props.DeploymentConfigName})`);
      const rollback = group.props.AutoRollbackConfiguration;
      const events: string[] = rollback?.Events ?? [];
      const missing = ROLLBACK_EVENTS.filter((e) => rollback?.Enabled !== true || !events.includes(e));
      if (missing.length > 0) problems.push(`${name}: no automatic rollback on ${missing.join(', ')}`);
      const alarms = group.props.AlarmConfiguration;
      if (alarms?.Enabled !== true || !(alarms?.Alarms?.length > 0))
        problems.push(`${name}: watches no alarm`);
      if (set.env === 'production' && group.props.DeploymentConfigName === ALL_AT_ONCE)
        problems.push(`${name}: production shifts all at once`);
    }
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(
          `${aliases.length} aliases through ${[...used].sort().join(', ')}, each rolled back on its alarms`,
        );
  },
};
