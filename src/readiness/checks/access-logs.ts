import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const accessLogs: TemplateCheck = {
  id: 'access-logs',
  requirements: ['R9.1'],
  description: 'every API stage writes access logs (the application logs each request too)',
  run(set) {
    const stages = resourcesOf(set, 'AWS::ApiGateway::Stage');
    if (stages.length === 0) return fail('no API Gateway stage');
    const missing = stages.filter((s) => !s.props.AccessLogSetting?.DestinationArn);
    return missing.length > 0
      ? fail(`no access log on stage ${missing.map((s) => s.props.StageName ?? s.logicalId).join(', ')}`)
      : pass(`access logs on stage ${stages.map((s) => s.props.StageName ?? s.logicalId).join(', ')}`);
  },
};
