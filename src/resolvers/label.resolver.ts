import { Ctx, Query, Resolver } from 'type-graphql';
import type { GmailLabel, LabelCounts } from '../gmail/mailbox.service';
import { Label } from '../schema/label.type';
import type { GatewayContext } from './context';
import { addFieldResolver } from './field-resolver';

@Resolver(() => Label)
export class LabelResolver {
  @Query(() => [Label], {
    description:
      "The signed-in user's labels, system and user (labels.list, cached per user for 60 seconds). Needs a session.",
  })
  async labels(@Ctx() context: GatewayContext): Promise<readonly GmailLabel[]> {
    return (await context.userMailbox()).labels();
  }
}

/** The count fields, each read from the label's labels.get (one per label and request, only when selected). */
const COUNT_FIELDS: readonly (keyof LabelCounts)[] = ['messagesTotal', 'messagesUnread', 'threadsUnread'];

for (const field of COUNT_FIELDS) {
  addFieldResolver(LabelResolver.prototype, field, async (label: GmailLabel, context: GatewayContext) => {
    const counts = await (await context.userMailbox()).labelCounts(label.id);
    return counts?.[field] ?? null;
  });
}
