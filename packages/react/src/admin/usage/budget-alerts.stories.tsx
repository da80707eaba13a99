import type { Meta, StoryObj } from '@storybook/react-vite';
import { BudgetAlerts } from './budget-alerts.js';
import { usageStory } from './usage-story.js';

const meta = {
  title: 'Admin/BudgetAlerts',
  component: BudgetAlerts,
} satisfies Meta<typeof BudgetAlerts>;

export default meta;
type Story = StoryObj<typeof meta>;

export const WithAlerts: Story = usageStory();
export const OverBudget: Story = usageStory({ dataset: 'over_budget' });
export const OneBudget: Story = { ...usageStory(), args: { initialBudgetId: 'provider:openai' } };
export const OfADeletedBudget: Story = usageStory({
  configure: (fake) => {
    fake.budgets = fake.budgets.filter((budget) => budget.id !== 'provider:openai');
  },
});
export const None: Story = usageStory({ dataset: 'empty' });
export const Loading: Story = usageStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = usageStory({
  configure: (fake) => fake.fail('GET /usage/alerts', { status: 503, code: 'internal_error' }),
});
export const DarkTheme: Story = usageStory({ dark: true });
