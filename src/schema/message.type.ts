import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { Attachment } from './attachment.type';
import { Label } from './label.type';
import { MessageBody } from './message-body.type';

/**
 * A Gmail message. `id` and `threadId` come with the list; every other field needs the message, which the
 * gateway fetches only when one of them is selected: once per message and request, with `format=full` only when
 * `body` or `attachments` is selected (see gmail/message-fetch.ts).
 */
@ObjectType({
  description:
    'A Gmail message. Fields beyond `id` and `threadId` are read from Gmail only when selected, with one Gmail call per message per request whatever their mix; `body` and `attachments` need the full message, the others only its metadata.',
})
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

  @Field(() => String, { nullable: true, description: 'The Cc header.' })
  cc?: string | null;

  @Field(() => String, { nullable: true, description: 'The Reply-To header.' })
  replyTo?: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When Gmail received the message (its internal date).',
  })
  date?: Date | null;

  @Field(() => [String], { description: 'Gmail label ids, e.g. INBOX, UNREAD, STARRED, Label_12.' })
  labelIds?: readonly string[];

  @Field(() => Int, { nullable: true, description: 'Estimated size in bytes.' })
  sizeEstimate?: number | null;

  @Field(() => Boolean, { description: 'Whether the message is unread (it carries the UNREAD label).' })
  unread?: boolean;

  @Field(() => Boolean, { description: 'Whether the message is starred (it carries the STARRED label).' })
  starred?: boolean;

  @Field(() => [Label], {
    description:
      "The message's labels with their names (system and user labels; label names are cached per user for 60 seconds).",
  })
  labels?: Label[];

  @Field(() => MessageBody, {
    nullable: true,
    description:
      'The readable content: plain text and sanitized HTML. Selecting it reads the full message (format=full). Null when the message is gone.',
  })
  body?: MessageBody | null;

  @Field(() => [Attachment], {
    description:
      'Attachments and inline parts (e.g. images the HTML shows by cid:), each with a download URL. Selecting it reads the full message (format=full).',
  })
  attachments?: Attachment[];
}
