import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const xrayTracing: TemplateCheck = {
  id: 'xray-tracing',
  requirements: ['C1'],
  description: 'active X-Ray tracing on every function and API stage',
  run(set) {
    const functions = resourcesOf(set, 'AWS::Lambda::Function');
    const stages = resourcesOf(set, 'AWS::ApiGateway::Stage');
    const problems = [
      ...functions
        .filter((f) => f.props.TracingConfig?.Mode !== 'Active')
        .map((f) => `function ${f.logicalId} not traced`),
      ...stages
        .filter((s) => s.props.TracingEnabled !== true)
        .map((s) => `stage ${s.props.StageName ?? s.logicalId} not traced`),
    ];
    if (functions.length === 0) problems.push('no function');
    return problems.length > 0
      ? fail(problems.join('; '))
      : pass(`${functions.length} functions and ${stages.length} stage(s) traced`);
  },
};
