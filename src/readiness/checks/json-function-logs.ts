import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const jsonFunctionLogs: TemplateCheck = {
  id: 'json-function-logs',
  requirements: ['R9.2'],
  description: 'every function logs in JSON format (duration, memory and errors in the platform report)',
  run(set) {
    const functions = resourcesOf(set, 'AWS::Lambda::Function');
    if (functions.length === 0) return fail('no Lambda function');
    const text = functions.filter((f) => f.props.LoggingConfig?.LogFormat !== 'JSON');
    return text.length > 0
      ? fail(`text logs: ${text.map((f) => f.logicalId).join(', ')}`)
      : pass(`${functions.length} functions with LogFormat JSON`);
  },
};
