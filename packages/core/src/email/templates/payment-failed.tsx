// A payment failed: when the next attempt is, or, on the last one, that none will follow.

import { Button, Paragraph } from '../blocks.js';
import { textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'payment.failed'>>;

function copy({ data, format }: Props) {
  const amount = format.money(data.amountDue, data.currency);
  const invoice = data.number ? ` for invoice ${data.number}` : '';
  return {
    amount,
    button: data.final ? 'Pay invoice' : 'Update payment details',
    what: `We tried to take your payment of ${amount}${invoice}, but it did not go through.`,
    bankSaid: data.failureMessage ? `Your bank said: “${data.failureMessage}”` : null,
    next: nextStep(data, format),
  };
}

function nextStep(data: Props['data'], format: Props['format']): string {
  if (data.final) {
    return "That was our last automatic attempt, so we won't try again. To keep your subscription, please pay the invoice.";
  }
  if (data.nextAttemptAt) {
    const retry = format.date(data.nextAttemptAt);
    return `We'll try again on ${retry}. To avoid an interruption, please update your payment details before then.`;
  }
  return 'To keep your subscription running, please update your payment details.';
}

function PaymentFailedBody(props: Props) {
  const { brand, data } = props;
  const { what, bankSaid, next, button } = copy(props);
  return (
    <>
      <Paragraph brand={brand}>{what}</Paragraph>
      {bankSaid ? (
        <Paragraph brand={brand} muted>
          {bankSaid}
        </Paragraph>
      ) : null}
      <Paragraph brand={brand}>{next}</Paragraph>
      <Button brand={brand} href={data.fixUrl}>
        {button}
      </Button>
    </>
  );
}

export const paymentFailedEmail: EmailTemplate<DataOf<'payment.failed'>> = {
  subject(props) {
    const { amount } = copy(props);
    return props.data.final
      ? `Final notice: we couldn't collect your payment of ${amount}`
      : `Your payment of ${amount} didn't go through`;
  },
  preheader: (props) => copy(props).next,
  heading: ({ data }) =>
    data.final ? 'We could not collect your payment' : 'Your payment did not go through',
  Body: PaymentFailedBody,
  text(props) {
    const { what, bankSaid, next, button } = copy(props);
    return [what, bankSaid, next, textLink(button, props.data.fixUrl)];
  },
};
