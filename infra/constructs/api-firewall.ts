import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** e.g. `agenticai-production`; the web ACL and its log group are named after it. */
  name: string;
  api: RestApi;
  /** Requests per IP per 5 minutes before blocking (R8.2). Default 2000. */
  ratePerIpPer5Min?: number;
  /** Also block anonymising networks (VPNs, Tor, hosting providers). Default false. */
  blockAnonymousIps?: boolean;
}

/** Managed rule groups in priority order (after the per-IP rate rule). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** WAF custom response bodies are static: no request id can be inserted. */
const RATE_LIMITED_BODY = JSON.stringify({
  error: {
    code: 'rate_limited',
    message: 'too many requests from this address; retry in a few minutes',
    requestId: 'waf',
  },
});

/**
 * AWS WAF in front of the REST API stage (R8.1, R8.2): per-IP rate limit answering 429 in the API's
 * error shape, AWS IP reputation, common rules (XSS and more), known bad inputs, SQL injection;
 * logs to `aws-waf-logs-<name>` (30 days) with the API key header redacted.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;
  readonly ruleNames: string[];

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const groups: string[] = [
      ...MANAGED_RULE_GROUPS,
      ...(props.blockAnonymousIps ? ['AWSManagedRulesAnonymousIpList'] : []),
    ];
    const rules: CfnWebACL.RuleProperty[] = [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        statement: {
          rateBasedStatement: {
            limit: props.ratePerIpPer5Min ?? 2000,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
          },
        },
        action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rateLimited' } } },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      ...groups.map((group, i) => ({
        name: group,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group,
            // SizeRestrictions_BODY blocks every body over 8 KB; the API itself allows 64 KiB and
            // answers 413 above that, so the WAF only counts it.
            ...(group === 'AWSManagedRulesCommonRuleSet' && {
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            }),
          },
        },
        visibilityConfig: visibility(group),
      })),
    ];
    this.ruleNames = rules.map((r) => r.name);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      customResponseBodies: { rateLimited: { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY } },
      rules,
    });

    // Associate only once the stage exists.
    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    association.node.addDependency(props.api.deploymentStage);

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the trailing `:*`.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'x-api-key' } }],
    });
  }
}
