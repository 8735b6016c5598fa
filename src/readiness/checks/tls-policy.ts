import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

/** API Gateway security policies that allow only TLS 1.2 or newer. */
const modern = (policy: unknown) =>
  typeof policy === 'string' && (policy === 'TLS_1_2' || /^SecurityPolicy_TLS1[23]/.test(policy));

export const tlsPolicy: TemplateCheck = {
  id: 'tls-policy',
  requirements: ['R8.5'],
  description: 'every API endpoint clients can reach negotiates TLS 1.2 or newer',
  run(set) {
    const apis = resourcesOf(set, 'AWS::ApiGateway::RestApi');
    if (apis.length === 0) return fail('no REST API');
    const domains = resourcesOf(set, 'AWS::ApiGateway::DomainName');
    const problems = [
      ...apis
        .filter((a) => a.props.DisableExecuteApiEndpoint !== true && !modern(a.props.SecurityPolicy))
        .map(
          (a) =>
            `API ${a.props.Name ?? a.logicalId}: default endpoint security policy ${a.props.SecurityPolicy ?? 'TLS_1_0 (default)'}`,
        ),
      ...domains
        .filter((d) => !modern(d.props.SecurityPolicy))
        .map(
          (d) =>
            `domain ${d.props.DomainName}: security policy ${d.props.SecurityPolicy ?? 'TLS_1_0 (default)'}`,
        ),
    ];
    const policies = [...apis, ...domains].map((r) =>
      r.props.DisableExecuteApiEndpoint ? 'endpoint disabled' : r.props.SecurityPolicy,
    );
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`security policies: ${policies.join(', ')}`);
  },
};
