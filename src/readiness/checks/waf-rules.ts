import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Json, resourcesOf } from '../template-set.ts';

const REQUIRED_GROUPS = {
  AWSManagedRulesAmazonIpReputationList: 'known malicious IPs',
  AWSManagedRulesCommonRuleSet: 'XSS and common exploits',
  AWSManagedRulesKnownBadInputsRuleSet: 'known bad inputs',
  AWSManagedRulesSQLiRuleSet: 'SQL injection',
} as const;
const RATE_PER_5_MIN = 2000;

export const wafRules: TemplateCheck = {
  id: 'waf-rules',
  requirements: ['R8.2'],
  description: `the web ACL blocks IP reputation, XSS, bad inputs, SQL injection and more than ${RATE_PER_5_MIN} requests per IP in 5 minutes`,
  run(set) {
    const acls = resourcesOf(set, 'AWS::WAFv2::WebACL');
    if (acls.length === 0) return fail('no web ACL');
    const problems = acls.flatMap((acl) => {
      const rules = (acl.props.Rules ?? []) as Json[];
      const missing = Object.keys(REQUIRED_GROUPS).filter((group) => {
        const rule = rules.find((r) => r.Statement?.ManagedRuleGroupStatement?.Name === group);
        // A group overridden to Count only observes: it does not block.
        return !rule || rule.OverrideAction?.Count !== undefined;
      });
      const rate = rules.find((r) => r.Statement?.RateBasedStatement);
      const rateProblems =
        !rate || rate.Action?.Block === undefined
          ? ['no blocking per-IP rate rule']
          : rate.Statement.RateBasedStatement.Limit > RATE_PER_5_MIN ||
              (rate.Statement.RateBasedStatement.EvaluationWindowSec ?? 300) !== 300 ||
              rate.Statement.RateBasedStatement.AggregateKeyType !== 'IP'
            ? [
                `rate rule ${rate.Statement.RateBasedStatement.Limit} per ${rate.Statement.RateBasedStatement.EvaluationWindowSec ?? 300} s by ${rate.Statement.RateBasedStatement.AggregateKeyType}`,
              ]
            : [];
      return [
        ...missing.map((g) => `${acl.props.Name}: ${g} not blocking`),
        ...rateProblems.map((p) => `${acl.props.Name}: ${p}`),
      ];
    });
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${Object.keys(REQUIRED_GROUPS).join(', ')}; per-IP rate ${RATE_PER_5_MIN} / 5 min`);
  },
};
