// The subscription has ended, with the reason when it is one the customer should hear.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'subscription.canceled'>>;

/** Only reasons worth telling the customer; any other reason is left unsaid. */
const REASONS: Record<string, string> = {
  requested: ', as you asked',
  payment_failed: ' because we could not collect payment',
};

function copy({ data, brand, format }: Props) {
  const when = data.endedAt ? ` on ${format.date(data.endedAt)}` : '';
  const reason = REASONS[data.reason] ?? '';
  return {
    what: `Your ${data.planName} subscription ended${when}${reason}.`,
    thanks: `Thank you for being a ${brand.name} customer. You're welcome back any time.`,
  };
}

function SubscriptionCanceledBody(props: Props) {
  const { brand, data } = props;
  const { what, thanks } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{thanks}</Paragraph>
      <Button brand={brand} href={data.portalUrl}>
        Manage billing
      </Button>
    </>
  );
}

export const subscriptionCanceledEmail: EmailTemplate<DataOf<'subscription.canceled'>> = {
  subject: ({ data }) => `Your ${data.planName} subscription has ended`,
  preheader: (props) => copy(props).what,
  heading: () => 'Your subscription has ended',
  Body: SubscriptionCanceledBody,
  text(props) {
    const { what, thanks } = copy(props);
    return [what, thanks, textLink('Manage billing', props.data.portalUrl)];
  },
};
