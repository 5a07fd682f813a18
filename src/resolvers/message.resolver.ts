import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { GmailLabel, LoadedMessage, MessageMetadata, MessageRef } from '../gmail/mailbox.service';
import { gmailIdOf } from '../gmail/messages-query';
import type { ReadableAttachment, ReadableBody } from '../gmail/readable-message';
import { Attachment } from '../schema/attachment.type';
import { Label } from '../schema/label.type';
import { MessageBody } from '../schema/message-body.type';
import { MessageConnection } from '../schema/message-connection.type';
import { Message } from '../schema/message.type';
import { MessagesArgs } from '../schema/messages.args';
import type { GatewayContext } from './context';
import { addFieldResolver } from './field-resolver';
import { labelsNamed } from './labels-of';
import { messageFetchOf } from './message-fetch-of';

/**
 * `messages` lists ids only; every other Message field is read from the message as this request loads it (one
 * Gmail call per message, shaped by everything the operation selects: see resolvers/message-fetch-of.ts).
 */
@Resolver(() => Message)
export class MessageResolver {
  @Query(() => MessageConnection, {
    description:
      "The signed-in user's messages, newest first, as a Relay connection over Gmail's messages.list. Needs a session.",
  })
  async messages(
    @Args(() => MessagesArgs) args: MessagesArgs,
    @Ctx() context: GatewayContext,
  ): Promise<MessageConnection> {
    return (await context.userMailbox()).list(args);
  }

  @Query(() => Message, {
    nullable: true,
    description:
      'One message of the signed-in user by id; null when Gmail has no such message. Needs a session.',
  })
  async message(
    @Arg('id', () => ID, { description: "Gmail's message id, e.g. from `messages`." }) id: string,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<MessageRef | null> {
    const loaded = await (await context.userMailbox()).message(gmailIdOf(id, 'id'), messageFetchOf(info));
    return loaded?.ref ?? null;
  }

  @FieldResolver(() => [Label])
  async labels(
    @Root() message: MessageRef,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<GmailLabel[]> {
    const ids = (await loaded(message, context, info))?.metadata.labelIds ?? [];
    return labelsNamed(ids, await (await context.userMailbox()).labels());
  }

  @FieldResolver(() => MessageBody, { nullable: true })
  async body(
    @Root() message: MessageRef,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ReadableBody | null> {
    const full = await loaded(message, context, info);
    return full === null ? null : (await context.userMailbox()).readableOf(full).body;
  }

  @FieldResolver(() => [Attachment])
  async attachments(
    @Root() message: MessageRef,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<readonly ReadableAttachment[]> {
    const full = await loaded(message, context, info);
    return full === null ? [] : (await context.userMailbox()).readableOf(full).attachments;
  }
}

function loaded(
  message: MessageRef,
  context: GatewayContext,
  info: GraphQLResolveInfo,
): Promise<LoadedMessage | null> {
  return context.userMailbox().then((mailbox) => mailbox.message(message.id, messageFetchOf(info)));
}

/**
 * Each field answered from the message's metadata, and how. Headers, snippet, date and size never change for a
 * message id, so any cached copy serves them; labelIds (and the flags read from them) change over time, so the
 * request's fetch re-reads them once the cached copy is older than the freshness window. Each is a Message field
 * of the same name (its type and description are there).
 */
const METADATA_FIELDS: readonly (readonly [string, (metadata: MessageMetadata | null) => unknown])[] = [
  ...(['subject', 'from', 'to', 'cc', 'replyTo', 'date', 'snippet', 'sizeEstimate'] as const).map(
    (field) => [field, (metadata: MessageMetadata | null) => metadata?.[field] ?? null] as const,
  ),
  ['labelIds', (metadata) => metadata?.labelIds ?? []],
  ['unread', (metadata) => metadata?.labelIds.includes('UNREAD') ?? false],
  ['starred', (metadata) => metadata?.labelIds.includes('STARRED') ?? false],
];

for (const [field, answer] of METADATA_FIELDS) {
  addFieldResolver(
    MessageResolver.prototype,
    field,
    async (message: MessageRef, context: GatewayContext, info: GraphQLResolveInfo) =>
      answer((await loaded(message, context, info))?.metadata ?? null),
  );
}
