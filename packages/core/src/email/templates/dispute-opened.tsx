// For the host's operators: a customer disputed a payment. The evidence deadline comes first,
// then who, how much and why, and the link to respond.

import { Button, Callout, Facts, listFacts, Paragraph } from '../blocks.js';
import { humanise } from '../email-format.js';
import { textFacts, textLink } from '../text.js';
import type { DataOf, EmailTemplate, TemplateProps } from './template.js';

type Props = TemplateProps<DataOf<'dispute.opened'>>;

function copy({ data, format }: Props) {
  const amount = format.money(data.amount, data.currency);
  const dueOn = data.evidenceDueBy ? format.date(data.evidenceDueBy) : null;
  const dueBy = data.evidenceDueBy ? format.dateTime(data.evidenceDueBy) : null;
  const reason = humanise(data.reason);
  return {
    amount,
    dueOn,
    dueBy,
    what: `A customer's bank has opened a dispute over a payment of ${amount} (${reason.toLowerCase()}). The amount is held back from your balance until the dispute is decided.`,
    deadline: dueBy
      ? 'Submit your evidence before the deadline: without a response, the dispute is lost.'
      : 'No evidence deadline is set yet; check the dispute in the dashboard.',
    facts: listFacts(
      { label: 'Amount', value: amount },
      { label: 'Reason', value: reason },
      data.customerEmail !== null && { label: 'Customer', value: data.customerEmail },
      data.customerUserId !== null && { label: 'User id', value: data.customerUserId },
      { label: 'Charge', value: data.chargeId },
      { label: 'Dispute', value: data.disputeId },
    ),
  };
}

function DisputeOpenedBody(props: Props) {
  const { brand, data } = props;
  const { dueBy, what, deadline, facts } = copy(props);
  return (
    <>
      {dueBy ? <Callout brand={brand} label="Evidence due by" value={dueBy} /> : null}
      <Paragraph brand={brand}>{what}</Paragraph>
      <Paragraph brand={brand}>{deadline}</Paragraph>
      <Facts brand={brand} facts={facts} />
      <Button brand={brand} href={data.dashboardUrl}>
        Open the dispute
      </Button>
    </>
  );
}

export const disputeOpenedEmail: EmailTemplate<DataOf<'dispute.opened'>> = {
  subject(props) {
    const { amount, dueOn } = copy(props);
    return dueOn ? `Dispute opened: ${amount}, evidence due ${dueOn}` : `Dispute opened: ${amount}`;
  },
  preheader: (props) => copy(props).deadline,
  heading: (props) => `A payment of ${copy(props).amount} was disputed`,
  Body: DisputeOpenedBody,
  text(props) {
    const { dueBy, what, deadline, facts } = copy(props);
    return [
      dueBy ? `EVIDENCE DUE BY: ${dueBy}` : null,
      what,
      deadline,
      textFacts(facts),
      textLink('Open the dispute', props.data.dashboardUrl),
    ];
  },
};
