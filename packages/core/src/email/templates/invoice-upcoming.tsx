// A renewal is coming: the date and the amount that will be charged.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'invoice.upcoming'>>;

function copy({ data, format }: Props) {
  const amount = format.money(data.amountDue, data.currency);
  const renewsOn = format.date(data.date);
  return {
    amount,
    renewsOn,
    what: `Your subscription renews on ${renewsOn}, when we'll charge ${amount} to your payment method on file.`,
    choice: 'Nothing to do if you want to keep going. To change plans or cancel, do it before then.',
  };
}

function InvoiceUpcomingBody(props: Props) {
  const { brand, data } = props;
  const { what, choice } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{choice}</Paragraph>
      <Button brand={brand} href={data.portalUrl}>
        Manage subscription
      </Button>
    </>
  );
}

export const invoiceUpcomingEmail: EmailTemplate<DataOf<'invoice.upcoming'>> = {
  subject(props) {
    const { amount, renewsOn } = copy(props);
    return `Upcoming renewal: ${amount} on ${renewsOn}`;
  },
  preheader: (props) => copy(props).what,
  heading: () => 'Your renewal is coming up',
  Body: InvoiceUpcomingBody,
  text(props) {
    const { what, choice } = copy(props);
    return [what, choice, textLink('Manage subscription', props.data.portalUrl)];
  },
};
