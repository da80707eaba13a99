import type { Meta, StoryObj } from '@storybook/react-vite';
import { portalStory } from '../testing/portal-story.js';
import { BillingAddressForm } from './billing-address-form.js';

const meta = {
  title: 'Portal/BillingAddressForm',
  component: BillingAddressForm,
} satisfies Meta<typeof BillingAddressForm>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Saved: Story = portalStory({ state: 'active' });
export const Business: Story = portalStory({
  billingAddress: {
    name: 'Résumé Co Pty Ltd',
    email: 'accounts@example.com.au',
    address: {
      line1: '200 Collins Street',
      line2: 'Level 4',
      city: 'Melbourne',
      state: 'VIC',
      postalCode: '3000',
      country: 'AU',
    },
    abn: '51824753556',
  },
});
export const Overseas: Story = portalStory({
  billingAddress: {
    name: 'Aroha Smith',
    email: 'aroha@example.co.nz',
    address: {
      line1: '1 Queen Street',
      line2: null,
      city: 'Auckland',
      state: null,
      postalCode: '1010',
      country: 'NZ',
    },
    abn: null,
  },
});
export const Empty: Story = portalStory({
  state: 'none',
  billingAddress: { name: null, email: 'new@example.com.au', address: null, abn: null },
});
export const Loading: Story = portalStory({ configure: (fake) => (fake.latency = 'infinite') });
export const LoadError: Story = portalStory({
  configure: (fake) => fake.fail('GET /billing-address', { status: 502 }),
});
export const SaveRejected: Story = portalStory({
  configure: (fake) =>
    fake.fail('PUT /billing-address', {
      status: 400,
      code: 'invalid_input',
      message: 'address.postalCode: Invalid',
      param: 'address.postalCode',
    }),
});
/** The form does not depend on the subscription; these show it next to each state's portal. */
export const Trialing: Story = portalStory({ state: 'trialing' });
export const PastDue: Story = portalStory({ state: 'past_due' });
export const CancelScheduled: Story = portalStory({ state: 'cancel_scheduled' });
export const Canceled: Story = portalStory({ state: 'canceled' });
