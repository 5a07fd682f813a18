import { Arg, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ReadableBody } from '../gmail/readable-message';
import { MessageBody } from '../schema/message-body.type';

@Resolver(() => MessageBody)
export class MessageBodyResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The HTML body, sanitized on the server: no script, style element, event handler, form, iframe, object, `javascript:` or `data:` link, meta refresh or CSS that fetches; links open in a new tab with rel="noopener noreferrer"; cid: images point at their attachment’s downloadUrl. Null when the message has no HTML part.',
  })
  html(
    @Root() body: ReadableBody,
    @Arg('allowRemoteImages', () => Boolean, {
      defaultValue: false,
      description:
        'Keep images loaded from the network. Off by default: a remote image tells the sender when and where the mail was read (tracking pixels go with them).',
    })
    allowRemoteImages: boolean,
  ): string | null {
    return body.html(allowRemoteImages)?.html ?? null;
  }
}
