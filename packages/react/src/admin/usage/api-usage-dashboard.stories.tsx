import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { ApiUsageDashboard } from './api-usage-dashboard.js';
import { usageStory } from './usage-story.js';

const meta = {
  title: 'Admin/ApiUsageDashboard',
  component: ApiUsageDashboard,
} satisfies Meta<typeof ApiUsageDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

export const ThisMonth: Story = usageStory();
export const ThreeMonths: Story = { ...usageStory(), args: { initialMonths: 3 } };
export const TwelveMonths: Story = { ...usageStory(), args: { initialMonths: 12 } };
export const OverBudget: Story = usageStory({ dataset: 'over_budget' });
export const WithCustomerLinks: Story = {
  ...usageStory(),
  args: { customerHref: (id: string) => `#/customers/${id}` },
};
export const ReadOnlyBudgets: Story = { ...usageStory(), args: { manageBudgets: false } };
export const WithTable: Story = {
  ...usageStory(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByText('Show the figures as a table'));
  },
};
export const Empty: Story = usageStory({ dataset: 'empty' });
export const Loading: Story = usageStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = usageStory({
  configure: (fake) => fake.fail('GET /usage/summary', { status: 502, raw: true }),
});
export const Offline: Story = usageStory({
  configure: (fake) => {
    for (const route of ['GET /usage/summary', 'GET /usage/budgets']) fake.fail(route, { network: true });
  },
});
export const DarkTheme: Story = usageStory({ dark: true });
export const BritishEnglish: Story = usageStory({ locale: 'en-GB' });
