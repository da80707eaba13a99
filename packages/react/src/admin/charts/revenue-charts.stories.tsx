import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { adminStory } from '../admin-story.js';
import { RevenueCharts } from './revenue-charts.js';

const meta = {
  title: 'Admin/RevenueCharts',
  component: RevenueCharts,
} satisfies Meta<typeof RevenueCharts>;

export default meta;
type Story = StoryObj<typeof meta>;

export const TwelveMonths: Story = adminStory();
export const ThreeMonths: Story = { ...adminStory(), args: { months: 3 } };
export const WithTable: Story = {
  ...adminStory(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(await canvas.findByText('Show the figures as a table'));
  },
};
export const Empty: Story = adminStory({ dataset: 'empty' });
export const Loading: Story = adminStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = adminStory({
  configure: (fake) => fake.fail('GET /metrics', { status: 503 }),
});
export const DarkTheme: Story = adminStory({ dark: true });
