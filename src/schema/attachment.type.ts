import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A file attached to a message, or a part shown inline (an image the HTML refers to).',
})
export class Attachment {
  @Field(() => ID, { description: "The part's id within the message (Gmail's partId, e.g. `1` or `0.2`)." })
  id!: string;

  @Field(() => String, {
    description:
      'The file name: the part filename, else its Content-Type name, else `part-<id>.<ext>`. Never empty; show it as text.',
  })
  filename!: string;

  @Field(() => String, { description: 'The MIME type, e.g. `application/pdf`.' })
  mimeType!: string;

  @Field(() => Int, { description: 'Size in bytes as Gmail reports it.' })
  size!: number;

  @Field(() => String, {
    description:
      'A gateway URL, `/attachments/<token>`, that downloads the bytes without the Authorization header (a plain link works). Valid 5 minutes, bound to this user, message and attachment; each download is charged to the user’s Gmail budget.',
  })
  downloadUrl!: string;
}
