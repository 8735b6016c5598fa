import { resourceNames } from '../../naming.ts';
import { fail, pass, type TemplateCheck } from '../check.ts';
import { resourcesOf } from '../template-set.ts';

export const savedQueries: TemplateCheck = {
  id: 'saved-queries',
  requirements: ['R9.4'],
  description: 'Logs Insights queries for troubleshooting are saved for the environment',
  run(set) {
    const queries = resourcesOf(set, 'AWS::Logs::QueryDefinition').filter((q) =>
      String(q.props.Name).startsWith(resourceNames(set.env).savedQuery('')),
    );
    const empty = queries.filter((q) => (q.props.LogGroupNames ?? []).length === 0 || !q.props.QueryString);
    if (queries.length === 0) return fail('no saved query');
    return empty.length > 0
      ? fail(`queries without log groups or text: ${empty.map((q) => q.props.Name).join(', ')}`)
      : pass(
          `${queries.length} saved queries: ${queries.map((q) => String(q.props.Name).split('/')[1]).join(', ')}`,
        );
  },
};
