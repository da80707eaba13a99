// A cancellation was scheduled: access lasts until the period end, and it can still be undone.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'subscription.cancel_scheduled'>>;

function copy({ data, format }: Props) {
  const endsOn = data.endsAt ? format.date(data.endsAt) : null;
  const when = endsOn ? `on ${endsOn}` : 'at the end of the current billing period';
  return {
    endsOn,
    what: `Your ${data.planName} subscription will end ${when}. You keep access until then, and you won't be charged again.`,
    undo: 'Changed your mind? You can keep your subscription any time before it ends.',
  };
}

function CancelScheduledBody(props: Props) {
  const { brand, data } = props;
  const { what, undo } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{undo}</Paragraph>
      <Button brand={brand} href={data.portalUrl}>
        Manage subscription
      </Button>
    </>
  );
}

export const subscriptionCancelScheduledEmail: EmailTemplate<DataOf<'subscription.cancel_scheduled'>> = {
  subject(props) {
    const { endsOn } = copy(props);
    const plan = props.data.planName;
    return endsOn ? `Your ${plan} subscription ends on ${endsOn}` : `Your ${plan} subscription will end`;
  },
  preheader: (props) => copy(props).what,
  heading: () => 'Your cancellation is scheduled',
  Body: CancelScheduledBody,
  text(props) {
    const { what, undo } = copy(props);
    return [what, undo, textLink('Manage subscription', props.data.portalUrl)];
  },
};
