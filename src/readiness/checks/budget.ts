import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Found, resourcesOf, type TemplateSet } from '../template-set.ts';

export const monthlyBudgets = (set: TemplateSet): Found[] =>
  resourcesOf(set, 'AWS::Budgets::Budget').filter(
    (b) => b.props.Budget?.TimeUnit === 'MONTHLY' && b.props.Budget?.BudgetType === 'COST',
  );

export const budget: TemplateCheck = {
  id: 'budget',
  requirements: ['R5.1'],
  description: 'a monthly cost budget in USD covers the environment (account-wide or by its Environment tag)',
  run(set) {
    const budgets = monthlyBudgets(set);
    if (budgets.length === 0) return fail('no monthly COST budget');
    const b = budgets[0]!.props.Budget;
    const limit = b.BudgetLimit;
    if (!(Number(limit?.Amount) > 0) || limit?.Unit !== 'USD')
      return fail(`${b.BudgetName}: limit ${JSON.stringify(limit)}`);
    const filter = b.CostFilters?.TagKeyValue
      ? ` filtered by ${b.CostFilters.TagKeyValue.join(', ')}`
      : ' (whole account)';
    return pass(`${b.BudgetName}: ${limit.Amount} USD per month${filter}`);
  },
};
