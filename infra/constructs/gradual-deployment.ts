import { Stack, Validations } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import {
  type ILambdaDeploymentConfig,
  LambdaApplication,
  LambdaDeploymentConfig,
  LambdaDeploymentGroup,
} from 'aws-cdk-lib/aws-codedeploy';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { resourceNames } from '../../src/naming.ts';
import type { AlarmSpec, AlarmTarget } from '../../src/observability/alarm-catalog.ts';
import type { FunctionLabel } from '../../src/observability/metrics.ts';
import type { EnvironmentConfig } from '../config.ts';
import type { ServiceFunction } from './service-function.ts';

/** What each deployment style means to CodeDeploy (the style is typed config: `deploymentStyle`). */
export const DEPLOYMENT_CONFIGS: Record<EnvironmentConfig['deploymentStyle'], ILambdaDeploymentConfig> = {
  canary: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  allAtOnce: LambdaDeploymentConfig.ALL_AT_ONCE,
};

/** A catalog alarm as Monitoring created it: its spec, the resource it watches, the CDK alarm. */
export interface BoundAlarm {
  readonly rendered: { readonly spec: AlarmSpec };
  readonly target: AlarmTarget;
  readonly alarm: IAlarm;
}

/**
 * The alarms that stop and roll back a deployment of one function: the catalog's critical alarms
 * on that function, and for the API function also the critical alarms on the API (5XX). Selected
 * from the alarms Monitoring created from the catalog, so there is no second list.
 */
export function rollbackAlarms(alarms: readonly BoundAlarm[], label: FunctionLabel): IAlarm[] {
  return alarms
    .filter(
      ({ rendered: { spec }, target }) =>
        spec.severity === 'critical' &&
        ((spec.scope === 'function' && target.resource === label) ||
          (spec.scope === 'api' && label === 'api')),
    )
    .map((a) => a.alarm);
}

export interface GradualDeploymentsProps {
  readonly envName: string;
  readonly style: EnvironmentConfig['deploymentStyle'];
  readonly functions: readonly { readonly label: FunctionLabel; readonly fn: ServiceFunction }[];
  /** Every alarm of the environment (Monitoring's); each group takes its function's critical ones. */
  readonly alarms: readonly BoundAlarm[];
}

/**
 * R12.5: one CodeDeploy application per environment and one deployment group per function on its
 * `live` alias. A deploy that publishes a new version no longer flips the alias: CloudFormation
 * hands the change to CodeDeploy (the alias's CodeDeployLambdaAliasUpdate policy), which shifts the
 * traffic as `style` says and moves the alias back by itself when one of the function's critical
 * alarms fires or the deployment fails or is stopped.
 */
export class GradualDeployments extends Construct {
  readonly application: LambdaApplication;
  readonly role: Role;
  readonly groups: Partial<Record<FunctionLabel, LambdaDeploymentGroup>> = {};

  constructor(scope: Construct, id: string, props: GradualDeploymentsProps) {
    super(scope, id);
    const names = resourceNames(props.envName);
    this.application = new LambdaApplication(this, 'Application', {
      applicationName: names.deployments,
    });
    const stack = Stack.of(this);
    // One role for the four groups, with exactly what CodeDeploy does to them: read the alarms,
    // read and move the `live` aliases. Passed immutable, so CDK cannot attach the managed
    // AWSCodeDeployRoleForLambdaLimited (whose resources are "*").
    const alarmPrefix = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${names.alarmPrefix}*`;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: `CodeDeploy shifts the live aliases of AgenticAI ${props.envName}`,
      inlinePolicies: {
        'shift-live-aliases': new PolicyDocument({
          statements: [
            new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmPrefix] }),
            new PolicyStatement({
              actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
              resources: props.functions.map(({ fn }) => fn.alias.functionArn),
            }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      // The stacks have a concrete account and region, so the finding names the resolved ARN.
      id: `AwsSolutions-IAM5[Resource::${alarmPrefix}]`,
      reason:
        "DescribeAlarms on this environment's alarms only (their names share the environment's prefix).",
    });
    for (const { label, fn } of props.functions) {
      const alarms = rollbackAlarms(props.alarms, label);
      // A gradual deploy is only as safe as its alarms; all at once (a cost profile that keeps no
      // critical alarm, e.g. dev) still rolls back a failed or stopped deployment.
      if (alarms.length === 0 && props.style === 'canary')
        throw new Error(
          `no critical alarm watches the ${label} function: its deployments could not roll back`,
        );
      const group = new LambdaDeploymentGroup(this, label, {
        application: this.application,
        deploymentGroupName: names.deploymentGroup(label),
        alias: fn.alias,
        deploymentConfig: DEPLOYMENT_CONFIGS[props.style],
        alarms,
        autoRollback: {
          failedDeployment: true,
          stoppedDeployment: true,
          deploymentInAlarm: alarms.length > 0,
        },
        role: this.role.withoutPolicyUpdates(),
      });
      this.groups[label] = group;
    }
  }
}
