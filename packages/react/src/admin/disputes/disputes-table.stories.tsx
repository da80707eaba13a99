import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { type AdminStoryOptions, adminStory } from '../admin-story.js';
import { DisputesTable } from './disputes-table.js';

const meta = {
  title: 'Admin/DisputesTable',
  component: DisputesTable,
} satisfies Meta<typeof DisputesTable>;

export default meta;
type Story = StoryObj<typeof meta>;

function confirming(options: AdminStoryOptions = {}, submit = false): Story {
  return {
    ...adminStory(options),
    play: async ({ canvasElement }) => {
      const canvas = within(canvasElement);
      const [first] = await canvas.findAllByRole('button', { name: /^Mark evidence submitted for/ });
      await userEvent.click(first!);
      if (submit) await userEvent.click(canvas.getByRole('button', { name: 'Submit evidence' }));
    },
  };
}

export const Populated: Story = adminStory();
export const WithCustomerLinks: Story = {
  ...adminStory(),
  args: { customerHref: (id: string) => `#/customers/${id}` },
};
export const NeedsResponse: Story = { ...adminStory(), args: { initialStatus: 'needs_response' } };
export const NoneWithStatus: Story = { ...adminStory(), args: { initialStatus: 'warning_closed' } };
export const SmallPages: Story = { ...adminStory(), args: { pageSize: 2 } };
export const Empty: Story = adminStory({ dataset: 'empty' });
export const Loading: Story = adminStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = adminStory({
  configure: (fake) => fake.fail('GET /disputes', { status: 502, raw: true }),
});
export const ConfirmDialog: Story = confirming();
export const SubmitFails: Story = confirming(
  {
    configure: (fake) =>
      fake.fail('POST /disputes/:disputeId/evidence-submitted', { status: 503, code: 'stripe_unavailable' }),
  },
  true,
);
export const DarkTheme: Story = adminStory({ dark: true });
