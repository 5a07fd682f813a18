import { Field, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'The readable content of a message. MIME is read as mail clients do (multipart/alternative prefers HTML and keeps the text; charsets, base64 and quoted-printable decoded).',
})
export class MessageBody {
  @Field(() => String, {
    nullable: true,
    description: 'The plain-text body; null when the message has none.',
  })
  text?: string | null;

  // `html(allowRemoteImages)` is a field resolver (resolvers/message-body.resolver.ts); its @Field lives there.

  @Field(() => Boolean, {
    description:
      'Whether the HTML loads images from the network (removed from `html` unless `allowRemoteImages: true`): drives a "Show remote images" action.',
  })
  hasRemoteImages?: boolean;
}
