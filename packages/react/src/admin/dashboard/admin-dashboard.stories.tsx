import type { Meta, StoryObj } from '@storybook/react-vite';
import { adminStory } from '../admin-story.js';
import { AdminDashboard } from './admin-dashboard.js';

const meta = {
  title: 'Admin/AdminDashboard',
  component: AdminDashboard,
} satisfies Meta<typeof AdminDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

export const TwelveMonths: Story = adminStory();
export const ThreeMonths: Story = { ...adminStory(), args: { initialMonths: 3 } };
export const SixMonths: Story = { ...adminStory(), args: { initialMonths: 6 } };
export const Empty: Story = adminStory({ dataset: 'empty' });
export const Loading: Story = adminStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = adminStory({
  configure: (fake) => fake.fail('GET /metrics', { status: 502, raw: true }),
});
export const Offline: Story = adminStory({
  configure: (fake) => fake.fail('GET /metrics', { network: true }),
});
export const DarkTheme: Story = adminStory({ dark: true });
export const German: Story = adminStory({
  locale: 'de-DE',
  messages: {
    dashboard: {
      heading: 'Abrechnungsübersicht',
      payingCustomers: 'Zahlende Kunden',
      netRevenue: 'Nettoumsatz',
    },
    range: { legend: 'Zeitraum', months: (count) => `Letzte ${count} Monate` },
  },
});
