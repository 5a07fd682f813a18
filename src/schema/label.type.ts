import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export const LabelType = { SYSTEM: 'SYSTEM', USER: 'USER' } as const;
export type LabelType = (typeof LabelType)[keyof typeof LabelType];

registerEnumType(LabelType, {
  name: 'LabelType',
  description: 'Who made a label.',
  valuesConfig: {
    SYSTEM: { description: 'Made by Gmail (INBOX, UNREAD, STARRED, SENT, CATEGORY_…).' },
    USER: { description: 'Made by the user.' },
  },
});

@ObjectType({
  description:
    'A Gmail label. Names come from labels.list (cached per user for 60 seconds); the counts need one labels.get per label and are read only when selected (at most 50 labels per request; further labels answer null).',
})
export class Label {
  @Field(() => ID, { description: "Gmail's label id, e.g. INBOX or Label_12: what `labelIds` filters take." })
  id!: string;

  @Field(() => String, { description: 'The name to show, e.g. `INBOX` or `Receipts/2026`.' })
  name!: string;

  @Field(() => LabelType, { description: 'Whether Gmail or the user made the label.' })
  type!: LabelType;

  @Field(() => Int, { nullable: true, description: 'How many messages carry the label.' })
  messagesTotal?: number | null;

  @Field(() => Int, { nullable: true, description: 'How many unread messages carry the label.' })
  messagesUnread?: number | null;

  @Field(() => Int, { nullable: true, description: 'How many threads with unread messages carry the label.' })
  threadsUnread?: number | null;
}
