import { DescribeBudgetCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { fail, pass } from '../check.ts';
import { monthlyBudgets } from '../checks/budget.ts';
import { awsProblem, type LiveCheck } from './context.ts';

const budgetName = (ctx: Parameters<LiveCheck['run']>[0]) =>
  String(monthlyBudgets(ctx.set)[0]?.props.Budget?.BudgetName ?? '');

export const liveBudget: LiveCheck = {
  id: 'live:budget',
  requirements: ['R5.1'],
  description: 'the monthly budget of the template exists in the account',
  async run(ctx) {
    const name = budgetName(ctx);
    if (!name) return fail('no budget in the template');
    try {
      const { Budget } = await ctx.budgets.send(
        new DescribeBudgetCommand({ AccountId: ctx.account, BudgetName: name }),
      );
      const spent = Budget?.CalculatedSpend?.ActualSpend;
      return pass(
        `${name}: ${Budget?.BudgetLimit?.Amount} ${Budget?.BudgetLimit?.Unit} per month${spent ? `, ${spent.Amount} ${spent.Unit} spent` : ''}`,
      );
    } catch (error) {
      return fail(awsProblem(name, error));
    }
  },
};

export const liveBudgetNotifications: LiveCheck = {
  id: 'live:budget-notifications',
  requirements: ['R5.2', 'R5.3'],
  description: 'the deployed budget notifies at ACTUAL 80 % and 100 %',
  async run(ctx) {
    const name = budgetName(ctx);
    if (!name) return fail('no budget in the template');
    try {
      const { Notifications = [] } = await ctx.budgets.send(
        new DescribeNotificationsForBudgetCommand({ AccountId: ctx.account, BudgetName: name }),
      );
      const missing = [80, 100].filter(
        (t) =>
          !Notifications.some(
            (n) =>
              n.NotificationType === 'ACTUAL' && n.Threshold === t && n.ComparisonOperator === 'GREATER_THAN',
          ),
      );
      const alarming = Notifications.filter((n) => n.NotificationState === 'ALARM');
      const problems = [
        ...missing.map((t) => `no ACTUAL > ${t} % notification`),
        ...alarming.map((n) => `${n.NotificationType} > ${n.Threshold} % is in ALARM`),
      ];
      return problems.length > 0
        ? fail(problems.join('; '))
        : pass(`${name}: ACTUAL > 80 % and > 100 % notifications, none in ALARM`);
    } catch (error) {
      return fail(awsProblem(name, error));
    }
  },
};
