// A payment that had failed has now gone through.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'payment.recovered'>>;

function copy({ data, format }: Props) {
  const amount = format.money(data.amountPaid, data.currency);
  const invoice = data.number ? ` for invoice ${data.number}` : '';
  return {
    amount,
    what: `Thanks: we received your payment of ${amount}${invoice}. Your subscription continues as normal.`,
  };
}

function PaymentRecoveredBody(props: Props) {
  const { brand, data } = props;
  return (
    <>
      <Paragraph brand={brand}>{copy(props).what}</Paragraph>
      <Button brand={brand} href={data.portalUrl}>
        Manage billing
      </Button>
    </>
  );
}

export const paymentRecoveredEmail: EmailTemplate<DataOf<'payment.recovered'>> = {
  subject: (props) => `Payment received: ${copy(props).amount}`,
  preheader: (props) => copy(props).what,
  heading: () => 'Your payment went through',
  Body: PaymentRecoveredBody,
  text: (props) => [copy(props).what, textLink('Manage billing', props.data.portalUrl)],
};
