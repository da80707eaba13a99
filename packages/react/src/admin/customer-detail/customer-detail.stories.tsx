import type { Meta, StoryObj } from '@storybook/react-vite';
import { userEvent, within } from 'storybook/test';
import { createAdminFake } from '../../testing/admin-fake.js';
import { type AdminStoryOptions, adminStory } from '../admin-story.js';
import { CustomerDetail } from './customer-detail.js';

// The seeded business is the same in every fake: pick one customer per state from it.
const seeded = createAdminFake();
const customers = {
  active: seeded.customerIn('active').userId,
  trialing: seeded.customerIn('trialing').userId,
  pastDue: seeded.customerIn('past_due').userId,
  unpaid: seeded.customerIn('unpaid').userId,
  cancelScheduled: seeded.customerIn('cancel_scheduled').userId,
  canceled: seeded.customerIn('canceled').userId,
  none: seeded.customerIn('none').userId,
};

const meta = {
  title: 'Admin/CustomerDetail',
  component: CustomerDetail,
  args: { customerId: customers.active, onBack: () => undefined },
} satisfies Meta<typeof CustomerDetail>;

export default meta;
type Story = StoryObj<typeof meta>;

function customerStory(customerId: string, options: AdminStoryOptions = {}): Story {
  return { ...adminStory(options), args: { customerId } };
}

/** Opens an action's dialog: `button` is the accessible name of the button that opens it. */
function withDialog(
  customerId: string,
  button: string | RegExp,
  options: AdminStoryOptions = {},
  fill?: (canvas: ReturnType<typeof within>) => Promise<void>,
): Story {
  return {
    ...customerStory(customerId, options),
    play: async ({ canvasElement }) => {
      const canvas = within(canvasElement);
      await canvas.findByRole('heading', { name: 'Timeline' });
      const [opener] = await canvas.findAllByRole('button', { name: button });
      await userEvent.click(opener!);
      await fill?.(canvas);
    },
  };
}

export const Active: Story = customerStory(customers.active);
export const Trialing: Story = customerStory(customers.trialing);
export const PastDue: Story = customerStory(customers.pastDue);
export const Unpaid: Story = customerStory(customers.unpaid);
export const CancelScheduled: Story = customerStory(customers.cancelScheduled);
export const Canceled: Story = customerStory(customers.canceled);
export const NeverSubscribed: Story = customerStory(customers.none);
export const NoStripeLink: Story = customerStory(customers.active, { stripeDashboardUrl: null });
export const Loading: Story = customerStory(customers.active, {
  configure: (fake) => (fake.latency = 'infinite'),
});
export const NotFound: Story = customerStory('user_nobody');
export const LoadError: Story = customerStory(customers.active, {
  configure: (fake) => fake.fail('GET /customers/:customerId', { status: 502, raw: true }),
});
export const DarkTheme: Story = customerStory(customers.pastDue, { dark: true });

export const RefundDialog: Story = withDialog(customers.active, /^Refund invoice /);
export const PartialRefundTooLarge: Story = withDialog(
  customers.active,
  /^Refund invoice /,
  {},
  async (canvas) => {
    await userEvent.click(canvas.getByRole('radio', { name: 'Part of it' }));
    await userEvent.type(canvas.getByRole('textbox', { name: 'Amount (AUD)' }), '9999');
    await userEvent.click(canvas.getByRole('button', { name: 'Refund $9,999.00' }));
  },
);
export const GrantCreditDialog: Story = withDialog(customers.active, 'Grant credit');
export const OneOffInvoiceDialog: Story = withDialog(
  customers.active,
  'One-off invoice',
  {},
  async (canvas) => {
    await userEvent.type(canvas.getByRole('textbox', { name: 'Line 1 description' }), 'Onboarding workshop');
    await userEvent.type(canvas.getByRole('textbox', { name: 'Line 1 amount (AUD)' }), '450');
    await userEvent.click(canvas.getByRole('button', { name: 'Add a line' }));
  },
);
export const RetryPaymentDialog: Story = withDialog(customers.pastDue, /^Retry payment of invoice /);
export const RetryPaymentDeclined: Story = withDialog(
  customers.pastDue,
  /^Retry payment of invoice /,
  { declineRetriesWith: 'insufficient_funds' },
  async (canvas) => {
    await userEvent.click(canvas.getByRole('button', { name: /^Charge \$/ }));
  },
);
export const ResendReceiptDialog: Story = withDialog(customers.active, /^Resend the receipt of invoice /);
export const ExtendTrialDialog: Story = withDialog(customers.trialing, 'Extend trial');
export const ExtendGraceDialog: Story = withDialog(customers.pastDue, 'Extend grace');
export const CancelDialog: Story = withDialog(customers.active, 'Cancel subscription');
export const ReactivateDialog: Story = withDialog(customers.canceled, 'Reactivate');
export const ChangePlanDialog: Story = withDialog(customers.active, 'Change plan');
export const DialogInDarkTheme: Story = withDialog(customers.active, 'Grant credit', { dark: true });
