import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../infra/config.ts';
import { loadEnvironments } from '../../infra/environments.ts';
import { resourceNames } from '../../src/naming.ts';
import { ALARM_CATALOG } from '../../src/observability/alarm-catalog.ts';
import { synthesizeFromEnv } from './synth.ts';

let synth: ReturnType<typeof synthesizeFromEnv>;
beforeAll(() => {
  synth = synthesizeFromEnv({
    AGENTICAI_ACCOUNT: '111111111111',
    AGENTICAI_ADMIN_EMAILS: 'ops@acme-corp.com',
  });
}, 120_000);
afterAll(() => synth?.cleanup());

type Resource = { Type: string; Properties: Record<string, any>; UpdatePolicy?: Record<string, any> };
const resourcesOf = (template: Template) => template.toJSON().Resources as Record<string, Resource>;
const LABELS = ['api', 'worker', 'sweeper', 'notifier'] as const;
/** Each environment's defaults (infra/environments.ts): its cost profile and whether it has the Slack notifier. */
const configOf = (env: string) => loadEnvironments({ AGENTICAI_ENVIRONMENTS: env }, { offline: true })[0]!;
const labelsOf = (env: string) => LABELS.filter((l) => l !== 'notifier' || configOf(env).slackNotifier);

/** The catalog's critical alarm names for one function's deployment group (the API's include the API's). */
const expectedAlarms = (env: string, label: string) =>
  ALARM_CATALOG.filter(
    (spec) =>
      spec.severity === 'critical' &&
      spec.profiles.includes(configOf(env).costProfile) &&
      (spec.scope === 'function' || (spec.scope === 'api' && label === 'api')),
  )
    .map((spec) => `${resourceNames(env).alarmPrefix}${spec.id}-${spec.scope === 'api' ? 'api' : label}`)
    .sort();

/** Each deployment group by name, with its alarms resolved from `Ref` to the alarm's name. */
function groups(env: string) {
  const all = resourcesOf(synth.templates[resourceNames(env).stack]!);
  const alarmName = (ref: { Ref: string }) => all[ref.Ref]!.Properties.AlarmName as string;
  return Object.fromEntries(
    Object.values(all)
      .filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup')
      .map((r) => [
        r.Properties.DeploymentGroupName as string,
        {
          config: r.Properties.DeploymentConfigName as string,
          alarms: ((r.Properties.AlarmConfiguration?.Alarms ?? []) as { Name: { Ref: string } }[])
            .map((a) => alarmName(a.Name))
            .sort(),
          alarmsEnabled: (r.Properties.AlarmConfiguration?.Enabled ?? false) as boolean,
          rollback: r.Properties.AutoRollbackConfiguration,
        },
      ]),
  );
}

describe('R12.5 gradual deployments through CodeDeploy', () => {
  it('R12.5 the synthesized app passes the cdk-nag gates with the deployment groups in it', () => {
    expect(synth.synthError).toBeUndefined();
    expect(synth.violations()).toEqual([]);
  });

  it('R12.5 production: every function shifts 10 % for 5 minutes, rolled back on its critical alarms', () => {
    const found = groups('production');
    expect(Object.keys(found).sort()).toEqual(
      LABELS.map((l) => resourceNames('production').deploymentGroup(l)).sort(),
    );
    for (const label of LABELS) {
      const group = found[resourceNames('production').deploymentGroup(label)]!;
      expect(group.config).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
      expect(group.alarmsEnabled).toBe(true);
      expect(group.alarms).toEqual(expectedAlarms('production', label));
      expect(group.rollback).toEqual({
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      });
    }
    // The API's deployment also watches the API's 5XX alarm; the others do not.
    expect(found['agenticai-production-api']!.alarms).toContain('agenticai-production-api-5xx-api');
    expect(found['agenticai-production-worker']!.alarms).not.toContain('agenticai-production-api-5xx-api');
  });

  it.each(['dev', 'staging'])(
    'R12.5 %s shifts all at once, rolled back on the alarms its cost profile keeps',
    (env) => {
      const found = groups(env);
      expect(Object.keys(found).sort()).toEqual(
        labelsOf(env)
          .map((l) => resourceNames(env).deploymentGroup(l))
          .sort(),
      );
      for (const label of labelsOf(env)) {
        const group = found[resourceNames(env).deploymentGroup(label)]!;
        expect(group.config).toBe('CodeDeployDefault.LambdaAllAtOnce');
        expect(group.alarms).toEqual(expectedAlarms(env, label));
        expect(group.rollback.Enabled).toBe(true);
        expect(group.rollback.Events).toContain('DEPLOYMENT_FAILURE');
        // Stopping on alarm only where the profile keeps a critical alarm for the function.
        if (group.alarms.length > 0) expect(group.rollback.Events).toContain('DEPLOYMENT_STOP_ON_ALARM');
        else expect(group.rollback.Events).not.toContain('DEPLOYMENT_STOP_ON_ALARM');
      }
    },
  );

  it('R12.5 each `live` alias is handed to its deployment group (CloudFormation deploys it through CodeDeploy)', () => {
    const all = resourcesOf(synth.templates['agenticai-production']!);
    const application = Object.entries(all).find(([, r]) => r.Type === 'AWS::CodeDeploy::Application')!;
    expect(application[1].Properties).toMatchObject({
      ApplicationName: resourceNames('production').deployments,
      ComputePlatform: 'Lambda',
    });
    const aliases = Object.values(all).filter((r) => r.Type === 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(labelsOf('production').length);
    for (const alias of aliases) {
      expect(alias.Properties.Name).toBe(resourceNames('production').liveAlias);
      expect(alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.ApplicationName).toEqual({
        Ref: application[0],
      });
    }
  });

  it('R12.5 CodeDeploy acts through one least-privilege role: read the alarms, read and move the live aliases', () => {
    const all = resourcesOf(synth.templates['agenticai-production']!);
    const roleIds = new Set(
      Object.values(all)
        .filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup')
        .map((r) => r.Properties.ServiceRoleArn['Fn::GetAtt'][0] as string),
    );
    expect(roleIds.size).toBe(1);
    const role = all[[...roleIds][0]!]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'codedeploy.amazonaws.com',
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    );
    const aliases = Object.entries(all)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Alias')
      .map(([id]) => ({ Ref: id }));
    expect(statements).toEqual([
      {
        Action: 'cloudwatch:DescribeAlarms',
        Effect: 'Allow',
        Resource: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:agenticai-production-*',
      },
      {
        Action: ['lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:UpdateAlias'],
        Effect: 'Allow',
        Resource: expect.arrayContaining(aliases),
      },
    ]);
    expect(statements[1].Resource).toHaveLength(aliases.length);
  });

  it('R12.5 the style is typed configuration: all at once by default, canary for production', () => {
    expect(
      parseEnvironment({ name: 'dev', account: '123456789012', region: 'eu-west-1' }).deploymentStyle,
    ).toBe('allAtOnce');
    const configs = loadEnvironments({}, { offline: true });
    expect(Object.fromEntries(configs.map((c) => [c.name, c.deploymentStyle]))).toEqual({
      dev: 'allAtOnce',
      staging: 'allAtOnce',
      production: 'canary',
    });
  });
});
