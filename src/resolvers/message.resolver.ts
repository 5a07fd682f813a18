import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { MessageMetadata, MessageRef } from '../gmail/mailbox.service';
import { MessageConnection } from '../schema/message-connection.type';
import { Message } from '../schema/message.type';
import { MessagesArgs } from '../schema/messages.args';
import type { GatewayContext } from './context';

/**
 * `messages` lists ids only; each metadata field loads the message's metadata through the request's batch
 * loader, so Gmail's `messages.get` runs only when one of these fields is selected, once per message.
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

  @FieldResolver()
  async subject(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await metadataOf(message, context))?.subject ?? null;
  }

  @FieldResolver()
  async from(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await metadataOf(message, context))?.from ?? null;
  }

  @FieldResolver()
  async to(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await metadataOf(message, context))?.to ?? null;
  }

  @FieldResolver()
  async date(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<Date | null> {
    return (await metadataOf(message, context))?.date ?? null;
  }

  @FieldResolver()
  async snippet(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<string | null> {
    return (await metadataOf(message, context))?.snippet ?? null;
  }

  @FieldResolver()
  async sizeEstimate(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<number | null> {
    return (await metadataOf(message, context))?.sizeEstimate ?? null;
  }

  @FieldResolver()
  async labelIds(@Root() message: MessageRef, @Ctx() context: GatewayContext): Promise<readonly string[]> {
    // labelIds change over time: this loader re-reads them once the cached copy is older than the freshness window.
    const mailbox = await context.userMailbox();
    return (await mailbox.freshMetadata.load(message.id))?.labelIds ?? [];
  }
}

async function metadataOf(message: MessageRef, context: GatewayContext): Promise<MessageMetadata | null> {
  return (await context.userMailbox()).metadata.load(message.id);
}
