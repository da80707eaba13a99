import type { Meta, StoryObj } from '@storybook/react-vite';
import { fn } from 'storybook/test';
import { adminStory } from '../admin-story.js';
import { CustomerTable } from './customer-table.js';

const meta = {
  title: 'Admin/CustomerTable',
  component: CustomerTable,
  args: { onSelectCustomer: fn() },
} satisfies Meta<typeof CustomerTable>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Populated: Story = adminStory();
export const WithLinks: Story = {
  ...adminStory(),
  args: { onSelectCustomer: undefined, customerHref: (id: string) => `#/customers/${id}` },
};
export const PastDueOnly: Story = { ...adminStory(), args: { initialStatus: 'past_due' } };
export const NeverSubscribed: Story = { ...adminStory(), args: { initialStatus: 'none' } };
export const Searched: Story = { ...adminStory(), args: { initialQuery: 'chen' } };
export const NoMatches: Story = { ...adminStory(), args: { initialQuery: 'nobody-by-this-name' } };
export const SmallPages: Story = { ...adminStory(), args: { pageSize: 5 } };
export const Empty: Story = adminStory({ dataset: 'empty' });
export const Loading: Story = adminStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = adminStory({
  configure: (fake) => fake.fail('GET /customers', { status: 502, raw: true }),
});
export const DarkTheme: Story = adminStory({ dark: true });
