import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

/**
 * A Gmail message. `id` and `threadId` come with the list; every other field needs the message's metadata,
 * which the gateway fetches only when one of them is selected (batched per request, cached across requests).
 */
@ObjectType({ description: 'A Gmail message (metadata only).' })
export class Message {
  @Field(() => ID, { description: "Gmail's message id." })
  id!: string;

  @Field(() => ID, { description: "Gmail's thread id." })
  threadId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A short excerpt of the body, exactly as Gmail makes it: HTML-escaped (e.g. `We&#39;ll`). Decode the entities for display and insert the result as text, never as HTML.',
  })
  snippet?: string | null;

  @Field(() => String, { nullable: true, description: 'The Subject header.' })
  subject?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The From header, e.g. `Ada Lovelace <ada@example.com>`.',
  })
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'The To header.' })
  to?: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When Gmail received the message (its internal date).',
  })
  date?: Date | null;

  @Field(() => [String], { description: 'Gmail label ids, e.g. INBOX, UNREAD, STARRED, Label_12.' })
  labelIds?: readonly string[];

  @Field(() => Int, { nullable: true, description: 'Estimated size in bytes.' })
  sizeEstimate?: number | null;
}
