// The bank wants the customer to approve a payment (3D Secure) before it goes through.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'payment.action_required'>>;

function copy({ data, format }: Props) {
  const amount = format.money(data.amountDue, data.currency);
  const invoice = data.number ? ` for invoice ${data.number}` : '';
  return {
    amount,
    what: `Your bank needs you to confirm your payment of ${amount}${invoice}.`,
    why: 'This is a security check (3D Secure). The payment is on hold until you confirm it.',
  };
}

function PaymentActionRequiredBody(props: Props) {
  const { brand, data } = props;
  const { what, why } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{why}</Paragraph>
      <Button brand={brand} href={data.confirmUrl}>
        Confirm payment
      </Button>
    </>
  );
}

export const paymentActionRequiredEmail: EmailTemplate<DataOf<'payment.action_required'>> = {
  subject: (props) => `Please confirm your payment of ${copy(props).amount}`,
  preheader: () => 'Your bank needs you to approve this payment.',
  heading: () => 'Confirm your payment',
  Body: PaymentActionRequiredBody,
  text(props) {
    const { what, why } = copy(props);
    return [what, why, textLink('Confirm payment', props.data.confirmUrl)];
  },
};
