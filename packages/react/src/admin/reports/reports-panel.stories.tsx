import type { Meta, StoryObj } from '@storybook/react-vite';
import { adminStory } from '../admin-story.js';
import { ReportsPanel } from './reports-panel.js';

const meta = {
  title: 'Admin/ReportsPanel',
  component: ReportsPanel,
} satisfies Meta<typeof ReportsPanel>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Quarters: Story = adminStory();
export const Months: Story = {
  ...adminStory(),
  args: { initialPeriod: 'month', initialRange: { from: '2025-10-01', to: '2026-01-31' } },
};
export const Empty: Story = adminStory({ dataset: 'empty' });
export const Loading: Story = adminStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = adminStory({
  configure: (fake) => {
    fake.fail('GET /reports/gst', { status: 502, raw: true });
    fake.fail('GET /revenue/recognition', { status: 503 });
  },
});
export const DarkTheme: Story = adminStory({ dark: true });
