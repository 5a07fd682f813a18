import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { MessageMetadata, MessageRef } from '../gmail/mailbox.service';
import { MessageConnection } from '../schema/message-connection.type';
import { Message } from '../schema/message.type';
import { MessagesArgs } from '../schema/messages.args';
import type { GatewayContext } from './context';
import { addFieldResolver } from './field-resolver';

/**
 * `messages` lists ids only; every other Message field is read from the message's metadata through one of the
 * request's batch loaders (see {@link METADATA_FIELDS}), so Gmail's `messages.get` runs only when one of these
 * fields is selected, once per message.
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
}

/**
 * Each metadata field and the loader that answers it. Headers, snippet, date and size never change for a message
 * id, so any cached copy serves them; labelIds change over time, so their loader re-reads them once the cached copy
 * is older than the freshness window. Each is a Message field of the same name (its type and description are there).
 */
const METADATA_FIELDS: readonly (readonly [keyof MessageMetadata, 'metadata' | 'freshMetadata'])[] = [
  ['subject', 'metadata'],
  ['from', 'metadata'],
  ['to', 'metadata'],
  ['date', 'metadata'],
  ['snippet', 'metadata'],
  ['sizeEstimate', 'metadata'],
  ['labelIds', 'freshMetadata'],
];

/** What the fields show for a message Gmail no longer has. */
const NO_METADATA: MessageMetadata = {
  subject: null,
  from: null,
  to: null,
  date: null,
  snippet: null,
  labelIds: [],
  sizeEstimate: null,
};

for (const [field, loader] of METADATA_FIELDS) {
  addFieldResolver(MessageResolver.prototype, field, async (message: MessageRef, context: GatewayContext) => {
    const metadata = await (await context.userMailbox())[loader].load(message.id);
    return (metadata ?? NO_METADATA)[field];
  });
}
